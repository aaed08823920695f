package io.adtrack.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's node_modules, where `npm ci` installed the Kinesis emulators. */
final class NodeModules {

  static final String PROPERTY = "adtrack.node.modules";
  static final String VARIABLE = "ADTRACK_NODE_MODULES";

  private NodeModules() {
  }

  /**
   * The system property set by the build, else the environment variable, else the nearest {@code node_modules}
   * walking up from the working directory.
   */
  static Path locate() {
    String configured = System.getProperty(PROPERTY, System.getenv(VARIABLE));
    if (configured != null && !configured.isBlank()) {
      return requireDirectory(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("node_modules");
      if (Files.isDirectory(candidate.resolve("kinesalite"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("node_modules with the Kinesis emulators not found: run `npm ci` at the "
        + "repository root, or set -D" + PROPERTY + " / " + VARIABLE);
  }

  private static Path requireDirectory(Path path) {
    if (!Files.isDirectory(path)) {
      throw new IllegalStateException(path + " does not exist: run `npm ci` at the repository root");
    }
    return path.toAbsolutePath();
  }
}
