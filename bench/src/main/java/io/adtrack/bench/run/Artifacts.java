package io.adtrack.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Copies the jars a run starts into its own directory first: other builds in the same checkout may rewrite
 * {@code target/} meanwhile, and a JVM whose jar changes under it fails in odd ways.
 */
final class Artifacts {

  private static final Duration QUIET = Duration.ofSeconds(3);
  private static final int ATTEMPTS = 20;

  private Artifacts() {
  }

  /** A complete copy of {@code jar} in {@code dir}, taken once the file has not changed for a few seconds. */
  static Path snapshot(Path jar, Path dir) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        awaitQuiet(jar);
        Files.createDirectories(dir);
        Path copy = dir.resolve(jar.getFileName());
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        if (isCompleteZip(copy)) {
          return copy;
        }
      } catch (IOException e) {
        // Being rewritten right now (or gone for a moment): wait for the build to finish and try again.
        Http.pause(QUIET.toMillis());
      }
    }
    throw new IllegalStateException(jar + " kept changing; is a build running? Try again when it is done.");
  }

  /** Copies {@code jars} and every jar in {@code libDir} into {@code dir} and {@code dir/lib}. */
  static List<Path> snapshotWithLib(Path jar, Path libDir, Path dir) {
    Path copy = snapshot(jar, dir);
    try (Stream<Path> libs = Files.list(libDir)) {
      for (Path lib : libs.filter(p -> p.toString().endsWith(".jar")).toList()) {
        snapshot(lib, dir.resolve("lib"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + libDir, e);
    }
    return List.of(copy, dir.resolve("lib"));
  }

  private static void awaitQuiet(Path file) throws IOException {
    while (true) {
      FileTime modified = Files.getLastModifiedTime(file);
      Duration age = Duration.between(modified.toInstant(), Instant.now());
      if (age.compareTo(QUIET) >= 0) {
        return;
      }
      Http.pause(QUIET.minus(age).toMillis() + 100);
    }
  }

  private static boolean isCompleteZip(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.size() > 0;
    } catch (IOException e) {
      return false;
    }
  }
}
