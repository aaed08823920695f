package io.adtrack.cloudformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the checked files and tools are (surefire passes the paths), and a way to run a tool to completion. */
final class Repository {

  static final Path ROOT = Path.of(required("adtrack.repository.root")).toAbsolutePath().normalize();
  static final Path TEMPLATE_DIR = ROOT.resolve("cloudformation");
  static final Path TEMPLATE = TEMPLATE_DIR.resolve("adtrack.yaml");
  static final Path DEPLOY_SCRIPT = TEMPLATE_DIR.resolve("deploy.sh");
  static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
  static final Path NODE_MODULES = Path.of(required("adtrack.node.modules")).toAbsolutePath().normalize();
  static final Path TRACKER_JAR = Path.of(required("adtrack.tracker.jar")).toAbsolutePath().normalize();

  private Repository() {
  }

  /** Every template of the stack: the YAML files next to deploy.sh. */
  static List<Path> templates() throws IOException {
    try (var files = Files.list(TEMPLATE_DIR)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** The outcome of a finished command: exit code and stdout + stderr interleaved. */
  record Result(int exitCode, String output) {
  }

  /** Runs a command in the repository root and waits for it (at most two minutes). */
  static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set (surefire sets it; see pom.xml)");
    }
    return value;
  }
}
