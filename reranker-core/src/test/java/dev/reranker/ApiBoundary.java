package dev.reranker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Checks the API boundary by reflection: no public or protected signature of a public type in a
 * public package may name an internal type, that is one in an {@code internal} package under {@code
 * dev.reranker} ({@code dev.reranker.internal..}, {@code dev.reranker.training.internal..}) or
 * marked {@link Internal}. Types and members marked {@link Internal} are not API and are not
 * checked. Any module's tests can call it (it ships in reranker-core's test jar):
 *
 * <pre>{@code
 * ApiBoundary.assertNoInternalTypes(Heuristics.class, "dev.reranker.heuristics");
 * }</pre>
 *
 * <p>Classes are found through the class loader's resources for each package, kept to the classes
 * folder that holds the anchor class ({@code target/classes}), so test classes in the same package
 * are not scanned. Nothing outside the JDK is needed.
 */
public final class ApiBoundary {
  private static final String ROOT = "dev.reranker.";

  private ApiBoundary() {}

  /**
   * Throws an {@link AssertionError} listing every {@link #violations violation} in {@code
   * packages}, as found next to {@code anchor}.
   *
   * @throws IllegalStateException if a package holds no class next to {@code anchor}
   */
  public static void assertNoInternalTypes(Class<?> anchor, String... packages) {
    List<String> found = violations(anchor, packages);
    if (!found.isEmpty()) {
      throw new AssertionError(
          found.size()
              + " public signatures expose internal types:\n  "
              + String.join("\n  ", found));
    }
  }

  /**
   * Returns, sorted, one line per public or protected signature of a public type in {@code
   * packages} (not their subpackages) that names an internal type, such as {@code
   * "dev.reranker.Foo.bar(): return type exposes dev.reranker.internal.Baz"}.
   *
   * @throws IllegalStateException if a package holds no class next to {@code anchor}
   */
  public static List<String> violations(Class<?> anchor, String... packages) {
    Set<String> found = new TreeSet<>();
    for (String pkg : packages) {
      List<Class<?>> classes = classesOf(anchor, pkg);
      if (classes.isEmpty()) {
        throw new IllegalStateException("no classes of package " + pkg + " next to " + anchor);
      }
      for (Class<?> type : classes) {
        if (isExported(type)) {
          check(type, found);
        }
      }
    }
    return List.copyOf(found);
  }

  /** Whether {@code type} is reachable API: public (or protected in an exported type), unmarked. */
  private static boolean isExported(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic() || isInternal(type)) {
      return false;
    }
    int m = type.getModifiers();
    Class<?> outer = type.getDeclaringClass();
    if (outer == null) {
      return Modifier.isPublic(m);
    }
    boolean visible =
        Modifier.isPublic(m)
            || (Modifier.isProtected(m) && !Modifier.isFinal(outer.getModifiers()));
    return visible && isExported(outer);
  }

  private static void check(Class<?> type, Set<String> found) {
    String name = type.getName();
    for (TypeVariable<?> v : type.getTypeParameters()) {
      report(found, name, "type parameter " + v.getName(), v.getBounds());
    }
    if (type.getGenericSuperclass() != null) {
      report(found, name, "superclass", type.getGenericSuperclass());
    }
    report(found, name, "interface", type.getGenericInterfaces());
    if (type.isRecord()) {
      for (RecordComponent c : type.getRecordComponents()) {
        report(found, name, "record component " + c.getName(), c.getGenericType());
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (isVisible(type, f) && !f.isSynthetic() && !f.isAnnotationPresent(Internal.class)) {
        report(found, name + "." + f.getName(), "field type", f.getGenericType());
      }
    }
    List<Executable> executables = new ArrayList<>();
    Collections.addAll(executables, type.getDeclaredConstructors());
    for (Method m : type.getMethods()) {
      executables.add(m); // public, inherited ones included: a non-public superclass may leak
    }
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isProtected(m.getModifiers())) {
        executables.add(m);
      }
    }
    for (Executable e : new LinkedHashSet<>(executables)) {
      if (!isVisible(type, e)
          || e.isSynthetic()
          || e.isAnnotationPresent(Internal.class)
          || (e instanceof Method m && m.isBridge())) {
        continue;
      }
      String where = signature(type, e);
      if (e instanceof Method m) {
        report(found, where, "return type", m.getGenericReturnType());
      }
      report(found, where, "parameter", e.getGenericParameterTypes());
      report(found, where, "exception", e.getGenericExceptionTypes());
      for (TypeVariable<?> v : e.getTypeParameters()) {
        report(found, where, "type parameter " + v.getName(), v.getBounds());
      }
    }
  }

  /** Public, or protected where a subclass outside the package can see it. */
  private static boolean isVisible(Class<?> type, Member member) {
    int m = member.getModifiers();
    return Modifier.isPublic(m)
        || (Modifier.isProtected(m) && !Modifier.isFinal(type.getModifiers()));
  }

  private static String signature(Class<?> type, Executable e) {
    StringBuilder s = new StringBuilder(type.getName());
    s.append('.').append(e instanceof Constructor ? "<init>" : e.getName()).append('(');
    Class<?>[] params = e.getParameterTypes();
    for (int i = 0; i < params.length; i++) {
      s.append(i == 0 ? "" : ", ").append(params[i].getSimpleName());
    }
    return s.append(')').toString();
  }

  private static void report(Set<String> found, String where, String what, Type... types) {
    for (Type t : types) {
      Set<Class<?>> internal = new LinkedHashSet<>();
      collectInternal(t, internal, new HashSet<>());
      for (Class<?> c : internal) {
        found.add(where + ": " + what + " exposes " + c.getName());
      }
    }
  }

  /** Adds every internal class that {@code t} names, type arguments and bounds included. */
  private static void collectInternal(Type t, Set<Class<?>> out, Set<Type> seen) {
    if (!seen.add(t)) {
      return; // T extends Comparable<T>
    }
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (isInternal(c)) {
        out.add(c);
      }
    } else if (t instanceof ParameterizedType p) {
      collectInternal(p.getRawType(), out, seen);
      if (p.getOwnerType() != null) {
        collectInternal(p.getOwnerType(), out, seen);
      }
      for (Type a : p.getActualTypeArguments()) {
        collectInternal(a, out, seen);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collectInternal(b, out, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collectInternal(b, out, seen);
      }
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collectInternal(b, out, seen);
      }
    } else if (t instanceof GenericArrayType a) {
      collectInternal(a.getGenericComponentType(), out, seen);
    }
  }

  /**
   * In an {@code internal} package under {@code dev.reranker} (core's, or a module's own such as
   * {@code dev.reranker.training.internal}), or marked {@link Internal} (itself or outer).
   */
  static boolean isInternal(Class<?> c) {
    String pkg = c.getPackageName();
    if (pkg.startsWith(ROOT) && ("." + pkg + ".").contains(".internal.")) {
      return true;
    }
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (k.isAnnotationPresent(Internal.class)) {
        return true;
      }
    }
    return false;
  }

  /** The classes of {@code pkg}, nested ones included, in the classes folder of {@code anchor}. */
  private static List<Class<?>> classesOf(Class<?> anchor, String pkg) {
    Path home = codeSource(anchor);
    if (!Files.isDirectory(home)) {
      throw new IllegalStateException(anchor + " is not in a classes folder but in " + home);
    }
    ClassLoader loader = anchor.getClassLoader();
    List<String> names = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources(pkg.replace('.', '/')))) {
        if (url.getProtocol().equals("file") && Path.of(url.toURI()).startsWith(home)) {
          try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            files
                .map(f -> f.getFileName().toString())
                .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                .forEach(n -> names.add(pkg + "." + n.substring(0, n.length() - 6)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : new TreeSet<>(names)) {
      try {
        classes.add(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("cannot load " + name, e);
      }
    }
    return classes;
  }

  private static Path codeSource(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
