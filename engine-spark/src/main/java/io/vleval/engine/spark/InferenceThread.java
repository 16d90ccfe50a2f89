package io.vleval.engine.spark;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Puts the calling thread in the state the local engine's thread is in: PyTorch's autograd off.
 *
 * <p>PyTorch keeps grad mode per thread and turns it on in every new thread; DJL turns it off only
 * in the thread that starts its engine, which is where the local engine works. Spark runs tasks on
 * its own threads, where a task session would otherwise record autograd graphs and fail on in-place
 * updates that the local engine allows. The PyTorch engine is a plugin's dependency, not this
 * module's, so it is reached by name; without it, or before any model has started it, there is
 * nothing to set.
 */
final class InferenceThread {

  private static final String JNI_UTILS = "ai.djl.pytorch.jni.JniUtils";

  private InferenceThread() {}

  static void enter() {
    Class<?> jni;
    try {
      jni = Class.forName(JNI_UTILS, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      return; // no PyTorch engine in this JVM: no grad mode to set
    }
    try {
      Method set = jni.getMethod("setGradMode", boolean.class);
      set.invoke(null, false);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException(JNI_UTILS + ".setGradMode(boolean) is not callable", e);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof UnsatisfiedLinkError) {
        // PyTorch's classes are on the class path but no model has started its engine in this
        // JVM (a served model, a baseline): there is no native grad mode yet, and the thread that
        // starts the engine later gets it turned off by DJL itself
        return;
      }
      throw new IllegalStateException(
          "cannot turn PyTorch's grad mode off: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
