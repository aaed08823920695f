package io.adtrack.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the repository checkout the launcher runs from, where the tracker jar and the samples are built. */
final class RepositoryRoot {

  private RepositoryRoot() {
  }

  /**
   * The nearest directory above this code (local-pipeline/target/...) holding the modules, else above the working
   * directory, else the working directory itself.
   */
  static Path locate() {
    return codeLocation().flatMap(RepositoryRoot::searchUpwards)
        .or(() -> searchUpwards(Path.of("").toAbsolutePath()))
        .orElse(Path.of("").toAbsolutePath());
  }

  private static Optional<Path> codeLocation() {
    try {
      return Optional.of(Path.of(RepositoryRoot.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // No code source (an unusual class loader): the working directory is the next best guess.
      return Optional.empty();
    }
  }

  private static Optional<Path> searchUpwards(Path start) {
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      // pom.xml too: a Maven repository (~/.m2/.../io/adtrack) also has directories of those names.
      if (Files.isDirectory(dir.resolve("tracker-service")) && Files.isDirectory(dir.resolve("local-pipeline"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }
}
