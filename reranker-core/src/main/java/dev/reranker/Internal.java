package dev.reranker;

import static java.lang.annotation.ElementType.CONSTRUCTOR;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Marks a public type or member outside {@code dev.reranker.internal} that is not API: it is public
 * only so that the reranker's own modules can reach it, and it may change or go in any release
 * without notice. Do not use it; the reranker's API never exposes it (as java-dataloader's
 * {@code @Internal} and Guava's {@code @VisibleForTesting} mark such code).
 *
 * <p>Everything under {@code dev.reranker.internal} is internal without this mark (OkHttp's {@code
 * okhttp3.internal} convention). A build test fails when a public signature of the API (a method's
 * return and parameter types, a field, a constructor, a supertype, a record component, type
 * arguments included) names an internal type. Retained at run time so that test can see it.
 */
@Documented
@Retention(RUNTIME)
@Target({TYPE, METHOD, CONSTRUCTOR, FIELD})
public @interface Internal {}
