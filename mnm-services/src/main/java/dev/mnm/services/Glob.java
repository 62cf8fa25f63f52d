package dev.mnm.services;

/**
 * Redis's glob patterns for KEYS and SCAN MATCH (stringmatchlen): {@code *} any bytes, {@code ?}
 * one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} one byte of a set, {@code \x} the byte x.
 * Patterns and keys are bytes.
 */
final class Glob {
    private Glob() {}

    static boolean matches(byte[] pattern, byte[] s) {
        return match(pattern, 0, s, 0);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si) {
        while (pi < p.length) {
            byte c = p[pi];
            switch (c) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int k = si; k <= s.length; k++) {
                        if (match(p, pi + 1, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si == s.length) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                case '[' -> {
                    if (si == s.length) {
                        return false;
                    }
                    int q = pi + 1;
                    boolean not = q < p.length && p[q] == '^';
                    if (not) {
                        q++;
                    }
                    boolean hit = false;
                    while (q < p.length && p[q] != ']') {
                        if (p[q] == '\\' && q + 1 < p.length) {
                            hit |= p[q + 1] == s[si];
                            q += 2;
                        } else if (q + 2 < p.length && p[q + 1] == '-' && p[q + 2] != ']') {
                            int lo = Math.min(p[q] & 0xff, p[q + 2] & 0xff);
                            int hi = Math.max(p[q] & 0xff, p[q + 2] & 0xff);
                            hit |= (s[si] & 0xff) >= lo && (s[si] & 0xff) <= hi;
                            q += 3;
                        } else {
                            hit |= p[q] == s[si];
                            q++;
                        }
                    }
                    if (hit == not) {
                        return false;
                    }
                    pi = q < p.length ? q + 1 : q; // an unclosed [ ends the pattern, as in Redis
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si == s.length || p[pi] != s[si]) {
                        return false;
                    }
                    pi++;
                    si++;
                }
                default -> {
                    if (si == s.length || c != s[si]) {
                        return false;
                    }
                    pi++;
                    si++;
                }
            }
        }
        return si == s.length;
    }
}
