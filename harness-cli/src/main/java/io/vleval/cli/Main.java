package io.vleval.cli;

import io.vleval.api.error.VlevalException;
import io.vleval.model.internvl.nd.TorchThreads;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The {@code vleval} command: the only place that prints to the console or exits the process. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8),
            System.console() != null));
  }

  /** Runs the command and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err, boolean interactive) {
    boolean verbose =
        Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    configureLogging(verbose);
    // DJL must never reach for the network: natives come from the Maven jar.
    System.setProperty("ai.djl.offline", "true");
    // before anything starts the engine, which reads the thread settings once
    try {
      TorchThreads.Setting threads = TorchThreads.configure();
      LoggerFactory.getLogger(Main.class).debug(threads.describe());
    } catch (VlevalException e) {
      printError(err, e.getMessage());
      err.flush();
      return ExitCode.USER_ERROR;
    }
    Console console = new Console(out, err, interactive);
    CommandLine cli = new CommandLine(new VlevalCommand(console));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, console, verbose));
    cli.setParameterExceptionHandler(
        (e, a) -> {
          err.println("error: " + e.getMessage());
          err.println(
              "try: vleval "
                  + String.join(" ", e.getCommandLine().getCommandSpec().qualifiedName().split(" "))
                      .replaceFirst("^vleval ?", "")
                  + " --help");
          return ExitCode.USER_ERROR;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static int handle(Exception e, Console console, boolean verbose) {
    if (e instanceof VlevalException) {
      printError(console.err(), e.getMessage());
      if (verbose) {
        e.printStackTrace(console.err());
      }
      console.err().flush();
      return ExitCode.USER_ERROR;
    }
    console
        .err()
        .println(
            "internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace)"));
    if (verbose) {
      e.printStackTrace(console.err());
    }
    console.err().flush();
    return ExitCode.INTERNAL_ERROR;
  }

  /**
   * Prints a user error: one problem per line (validation reports several at once), each line
   * marked {@code error:}.
   */
  static void printError(PrintWriter err, String message) {
    for (String line : String.valueOf(message).split("\n", -1)) {
      err.println("error: " + line);
    }
  }

  private static void configureLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    if (!verbose) {
      // DJL probes for CUDA on start-up and warns on machines without a usable driver: not the
      // user's concern
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }
  }
}
