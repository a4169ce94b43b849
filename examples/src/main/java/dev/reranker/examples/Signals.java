package dev.reranker.examples;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches SIGTERM and SIGINT so that {@code serve} can drain and exit 0: with only a shutdown hook,
 * the JVM's status after SIGTERM is 143. Uses {@code sun.misc.Signal} (module jdk.unsupported) by
 * reflection, because javac warns about it at compile time, and the build treats warnings as
 * errors; where it is missing, nothing is caught and the shutdown hook still drains.
 */
final class Signals {
  private static final Logger logger = LoggerFactory.getLogger(Signals.class);

  /** Puts back the handler that was there before. */
  @FunctionalInterface
  interface Restore extends Runnable {}

  private Signals() {}

  static List<Restore> onTermination(Runnable action) {
    List<Restore> restores = new ArrayList<>();
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Object handler =
          Proxy.newProxyInstance(
              handlerType.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, methodArgs) -> {
                if (method.getName().equals("handle")) {
                  action.run();
                  return null;
                }
                return switch (method.getName()) {
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> methodArgs != null && proxy == methodArgs[0];
                  default -> "serve-signal-handler";
                };
              });
      for (String name : List.of("TERM", "INT")) {
        Object signal = signalType.getConstructor(String.class).newInstance(name);
        Object previous = handle.invoke(null, signal, handler);
        restores.add(
            () -> {
              try {
                handle.invoke(null, signal, previous);
              } catch (ReflectiveOperationException e) {
                logger.debug("cannot restore the SIG{} handler: {}", name, e.toString());
              }
            });
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // e.g. a JVM without jdk.unsupported, or -Xrs: the shutdown hook drains instead
      logger.debug("cannot catch SIGTERM: {}", e.toString());
    }
    return restores;
  }
}
