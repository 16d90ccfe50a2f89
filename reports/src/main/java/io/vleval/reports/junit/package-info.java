/** JUnit XML for gate outcomes, so CI systems show each regression gate as a test. */
package io.vleval.reports.junit;
