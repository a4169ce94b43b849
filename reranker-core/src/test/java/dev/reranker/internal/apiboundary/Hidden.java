package dev.reranker.internal.apiboundary;

/** Fixture for {@code ApiBoundaryTest}: a type in an internal package. */
public class Hidden {}
