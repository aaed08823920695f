package io.adtrack.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Command-line options of the bench mains: {@code --name value} pairs and bare {@code --flag}s. */
public final class Args {

  private final Map<String, String> values;
  private final Set<String> flags;

  private Args(Map<String, String> values, Set<String> flags) {
    this.values = values;
    this.flags = flags;
  }

  /** Parses {@code --name value} (value not starting with {@code --}) and {@code --flag}. */
  public static Args parse(String[] argv) {
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + argv[i]);
      }
      String name = argv[i].substring(2);
      int eq = name.indexOf('=');
      if (eq > 0) {
        values.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        values.put(name, argv[++i]);
      } else {
        flags.add(name);
      }
    }
    return new Args(values, flags);
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public int intValue(String name, int fallback) {
    String raw = values.get(name);
    return raw == null ? fallback : Integer.parseInt(raw);
  }

  public double doubleValue(String name, double fallback) {
    String raw = values.get(name);
    return raw == null ? fallback : Double.parseDouble(raw);
  }
}
