package io.vleval.core.run;

import io.vleval.api.model.Capability;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.Set;

/**
 * The model as a task sees it: every call of a capability's method is timed as {@link Phase#MODEL}
 * (less the decoding and preprocessing the model reports within it), whatever the model plugin.
 */
final class TimedModel implements Model {

  private final Model model;

  private TimedModel(Model model) {
    this.model = model;
  }

  static Model of(Model model) {
    return new TimedModel(model);
  }

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return model.capabilities();
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return model.capability(type).map(c -> timed(type, c));
  }

  private static <C extends Capability> C timed(Class<C> type, C capability) {
    if (!type.isInterface()) {
      return capability; // only interfaces can be proxied; such a capability is left untimed
    }
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args, capability);
          }
          PhaseTimer.Span span = PhaseTimer.start(Phase.MODEL);
          try {
            return method.invoke(capability, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            span.close();
          }
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args, Object target)
      throws ReflectiveOperationException {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> method.invoke(target, args);
    };
  }

  @Override
  public ModelInfo info() {
    return model.info();
  }

  /** The runner owns the model and closes it; a task's close of its view is passed on. */
  @Override
  public void close() {
    model.close();
  }
}
