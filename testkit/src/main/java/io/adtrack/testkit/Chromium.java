package io.adtrack.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Chromium, for the tests that drive a real browser. Found where the package puts it (or at
 * {@code CHROMIUM_PATH}); when missing and the build runs as root with apt-get (a CI container, this team's
 * machines), installed with {@code apt-get install -y chromium}; otherwise the error says in one line what to
 * install. Playwright's own browser download is not used: it needs a CDN this build cannot assume.
 */
public final class Chromium {

  /** Environment variable naming a Chromium binary to use instead of Debian's. */
  public static final String VARIABLE = "CHROMIUM_PATH";
  static final String MISSING = "Chromium not found: install Debian's chromium package (sudo apt-get install -y "
      + "chromium) or set " + VARIABLE + " to a Chromium binary";

  private static final List<Path> DEBIAN_PATHS = List.of(Path.of("/usr/bin/chromium"),
      Path.of("/usr/bin/chromium-browser"));

  private Chromium() {
  }

  /**
   * The Chromium binary, installed first if need be (once per machine).
   *
   * @throws IllegalStateException with a one-line message saying what to install
   */
  public static Path executable() {
    return executable(System.getenv(VARIABLE), System.getProperty("user.name"), DEBIAN_PATHS);
  }

  /** {@link #executable()} with what it reads from the machine passed in, so the choices can be tested. */
  static Path executable(String configured, String user, List<Path> debianPaths) {
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured.trim());
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(VARIABLE + "=" + configured + " is not an executable file");
      }
      return path;
    }
    return new DebianPackage("chromium", debianPaths, MISSING).executable(user);
  }
}
