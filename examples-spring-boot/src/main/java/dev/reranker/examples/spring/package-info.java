/**
 * A Spring Boot bot endpoint on {@code reranker-spring-boot-starter}: {@link
 * dev.reranker.examples.spring.BotApplication} and its {@code POST /reply}.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.examples.spring;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
