package io.vleval.cli;

/** The process exit codes the command promises. */
public final class ExitCode {
  public static final int OK = 0;

  /** A regression gate failed. */
  public static final int GATE_FAILED = 1;

  /** The user's input is wrong: config, data, usage. */
  public static final int USER_ERROR = 2;

  /** A bug or an environment failure. */
  public static final int INTERNAL_ERROR = 3;

  private ExitCode() {}
}
