/**
 * The self-contained HTML leaderboard: models x tasks, charts, drill-downs; and the html reporter
 * that writes it.
 */
package io.vleval.reports.html;
