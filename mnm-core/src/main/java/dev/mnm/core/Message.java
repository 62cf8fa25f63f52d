package dev.mnm.core;

/** A message between processes. Each protocol declares its messages as records of a sealed subtype. */
public interface Message {}
