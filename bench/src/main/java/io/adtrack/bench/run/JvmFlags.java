package io.adtrack.bench.run;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the tracker runs with in production, read from the root Dockerfile's ENTRYPOINT (exec form) and
 * any {@code JAVA_TOOL_OPTIONS}/{@code JAVA_OPTS} it sets, so the memory figures mean what they mean in ECS.
 *
 * <p>Outside a container the JVM sizes its heap from the machine's RAM, not the task's: {@code -XX:MaxRAM} set to
 * the task memory (read from the CloudFormation template, else 512 MiB) makes {@code MaxRAMPercentage} give the
 * heap it gives in the task. The source of every flag goes into the report.
 *
 * @param environment what the Dockerfile's ENV sets for the allocator ({@code MALLOC_*}, e.g. the arena count),
 *                    which shapes the RSS as much as a JVM flag does
 */
record JvmFlags(List<String> flags, Map<String, String> environment, String source, long taskMemoryMiB,
    String taskMemorySource) {

  static final List<String> FALLBACK = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  private static final long FALLBACK_TASK_MIB = 512;
  private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^\\s*ENTRYPOINT\\s+(\\[.*?\\])\\s*$",
      Pattern.DOTALL);
  private static final Pattern ENV_OPTS = Pattern.compile(
      "(?m)^\\s*ENV\\s+(?:JAVA_TOOL_OPTIONS|JAVA_OPTS)[=\\s]\"?([^\"\\n]*)\"?");
  private static final Pattern ENV_MALLOC = Pattern.compile("(?m)^\\s*ENV\\s+(MALLOC_\\w+)[=\\s]\"?([^\"\\s]+)\"?");
  private static final Pattern TASK_MEMORY = Pattern.compile(
      "(?m)^\\s*Memory:\\s*(?:!Ref\\s+(\\w+)|['\"]?(\\d+))");

  /** These flags plus a GC log to {@code file} (no effect on the collector; tells a collector's pause from noise). */
  List<String> withGcLog(Path file) {
    List<String> all = new ArrayList<>(flags);
    all.add(GcLog.flag(file));
    return all;
  }

  static JvmFlags read(Path root) {
    long taskMiB = FALLBACK_TASK_MIB;
    String taskSource = "default " + FALLBACK_TASK_MIB + " MiB (no Memory: in cloudformation/*.yaml)";
    for (Path template : templates(root.resolve("cloudformation"))) {
      String text = text(template);
      Matcher memory = TASK_MEMORY.matcher(text);
      if (memory.find()) {
        String value = memory.group(2) != null ? memory.group(2) : parameterDefault(text, memory.group(1));
        if (value != null) {
          taskMiB = Long.parseLong(value);
          taskSource = root.relativize(template) + ", task definition Memory" + (memory.group(1) == null ? ""
              : " = " + memory.group(1) + " default") + ": " + taskMiB + " MiB";
          break;
        }
      }
    }
    Path dockerfile = root.resolve("Dockerfile");
    List<String> flags = new ArrayList<>();
    Map<String, String> environment = new LinkedHashMap<>();
    String source;
    if (Files.isRegularFile(dockerfile)) {
      String text = text(dockerfile).replace("\\\n", " ");
      Matcher env = ENV_OPTS.matcher(text);
      while (env.find()) {
        for (String flag : env.group(1).trim().split("\\s+")) {
          if (flag.startsWith("-")) {
            flags.add(flag);
          }
        }
      }
      Matcher malloc = ENV_MALLOC.matcher(text);
      while (malloc.find()) {
        environment.put(malloc.group(1), malloc.group(2));
      }
      Matcher entry = ENTRYPOINT.matcher(text);
      if (entry.find()) {
        for (Object item : new JsonArray(entry.group(1))) {
          String arg = item.toString();
          if ("-jar".equals(arg) || "-cp".equals(arg) || "-classpath".equals(arg)) {
            break;
          }
          if (arg.startsWith("-X") || arg.startsWith("-D")) {
            flags.add(arg);
          }
        }
      }
      source = flags.isEmpty() ? "Dockerfile has no JVM flags; using the JVM defaults" : "Dockerfile ENTRYPOINT";
    } else {
      flags.addAll(FALLBACK);
      source = "no Dockerfile yet: assumed " + String.join(" ", FALLBACK);
    }
    if (flags.stream().noneMatch(f -> f.startsWith("-XX:MaxRAM=") || f.startsWith("-Xmx"))) {
      flags.add("-XX:MaxRAM=" + taskMiB + "m");
    }
    return new JvmFlags(List.copyOf(flags), Collections.unmodifiableMap(environment), source, taskMiB, taskSource);
  }

  /** The Default of a template parameter: the first {@code Default:} after the line naming it. */
  private static String parameterDefault(String template, String parameter) {
    Matcher declared = Pattern.compile("(?m)^\\s+" + Pattern.quote(parameter) + ":\\s*$").matcher(template);
    if (!declared.find()) {
      return null;
    }
    Matcher fallback = Pattern.compile("(?m)^\\s+Default:\\s*['\"]?(\\d+)").matcher(template);
    return fallback.find(declared.end()) ? fallback.group(1) : null;
  }

  private static List<Path> templates(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
