/** The test kit plugin authors reuse: fixture lookup, fakes and contract tests. */
package io.vleval.testkit;
