package io.vleval.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Run in a fresh JVM by {@link EngineThreadsTest}: runs the CLI (as {@code vleval --version}), then
 * starts the engine and prints the exit code and the thread counts PyTorch ended up with, as {@code
 * exit=C intra=N inter=M}, then the CLI's error output.
 */
public final class EngineThreadsProbe {
  private EngineThreadsProbe() {}

  public static void main(String[] args) {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new String[] {"--version"},
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            false);
    Engine.getEngine("PyTorch");
    System.out.println(
        "exit="
            + code
            + " intra="
            + JniUtils.getNumThreads()
            + " inter="
            + JniUtils.getNumInteropThreads());
    System.out.print(err);
  }
}
