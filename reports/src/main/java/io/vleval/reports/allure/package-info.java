/**
 * Allure results written with allure-java-commons, the allure reporter, and rendering Allure's HTML
 * report.
 */
package io.vleval.reports.allure;
