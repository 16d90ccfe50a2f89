package io.vleval.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that reads its cases from the fixture root ({@link FixtureCases}). The build
 * runs these classes a second time against the alternate root of the repository, in the Surefire
 * execution {@code fixtures-alternate} that selects the tag {@value #TAG}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(FixtureTest.TAG)
public @interface FixtureTest {

  /** The JUnit tag of fixture tests. */
  String TAG = "fixture";
}
