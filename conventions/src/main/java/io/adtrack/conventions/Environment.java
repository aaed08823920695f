package io.adtrack.conventions;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one way every deployable reads its settings: from environment variables, once, at start-up (docs/contracts.md,
 * "Configuration conventions"). A variable that is unset or blank takes its default; a value that is malformed or
 * out of range is a {@link ConfigurationException} whose message names the variable, so ops can fix the task
 * definition or function configuration from one log line.
 */
public final class Environment {

  private final Map<String, String> variables;

  private Environment(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** The given variables ({@code System.getenv()} in a {@code main}, a map in tests). */
  public static Environment of(Map<String, String> variables) {
    return new Environment(variables);
  }

  /** This process's environment. */
  public static Environment system() {
    return of(System.getenv());
  }

  /** The trimmed value, empty when unset or blank. */
  public Optional<String> optional(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  public int integer(String name, int fallback, int min, int max) {
    return (int) longInteger(name, fallback, min, max);
  }

  public long longInteger(String name, long fallback, long min, long max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw.get());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name, name + "=" + raw.get() + " is not a whole number");
    }
    if (value < min || value > max) {
      throw new ConfigurationException(name, name + "=" + raw.get() + " is out of range [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A number of milliseconds ({@code *_MS} variables). */
  public Duration millis(String name, long fallback, long min, long max) {
    return Duration.ofMillis(longInteger(name, fallback, min, max));
  }

  /** A number of seconds ({@code *_SECONDS} variables). */
  public Duration seconds(String name, long fallback, long min, long max) {
    return Duration.ofSeconds(longInteger(name, fallback, min, max));
  }

  /** A TCP port to listen on, 1 to 65535. */
  public int port(String name, int fallback) {
    return integer(name, fallback, 1, 65_535);
  }

  /** An absolute file system path; a relative value is taken from the working directory. */
  public Path path(String name, Path fallback) {
    return optionalPath(name).orElse(fallback);
  }

  public Optional<Path> optionalPath(String name) {
    return optional(name).map(raw -> {
      try {
        return Path.of(raw).toAbsolutePath();
      } catch (InvalidPathException e) {
        throw new ConfigurationException(name, name + "=" + raw + " is not a file system path");
      }
    });
  }

  /** An absolute URL such as {@code https://example.com:8443/path}. */
  public Optional<URI> optionalUrl(String name) {
    return optional(name).map(raw -> {
      URI uri;
      try {
        uri = URI.create(raw);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(name, name + "=" + raw + " is not a URL");
      }
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new ConfigurationException(name, name + "=" + raw + " is not an absolute URL");
      }
      return uri;
    });
  }

  /** A Redis URL; neither an error nor the result's {@code toString()} shows its password. */
  public RedisUrl redisUrl(String name, String fallback) {
    return RedisUrl.parse(name, string(name, fallback));
  }

  /** One of an enum's constants, written in any case ({@code memory}, {@code MEMORY}). */
  public <E extends Enum<E>> E choice(String name, E fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    for (E constant : fallback.getDeclaringClass().getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(raw.get())) {
        return constant;
      }
    }
    throw new ConfigurationException(name, name + "=" + raw.get() + " is not one of "
        + Arrays.stream(fallback.getDeclaringClass().getEnumConstants())
            .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList());
  }

  /** A comma-separated list, entries trimmed, empty ones dropped; empty when unset. */
  public List<String> list(String name) {
    return optional(name).stream()
        .flatMap(raw -> Arrays.stream(raw.split(",")))
        .map(String::trim)
        .filter(entry -> !entry.isEmpty())
        .toList();
  }
}
