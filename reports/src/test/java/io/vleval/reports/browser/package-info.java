/** A headless browser for the page tests (leaderboard, Allure report). */
package io.vleval.reports.browser;
