package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(Chromium.class);
  private static final List<Path> DEBIAN_PATHS = List.of(Path.of("/usr/bin/chromium"),
      Path.of("/usr/bin/chromium-browser"));
  private static final Path APT_GET = Path.of("/usr/bin/apt-get");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

  private Chromium() {
  }

  /**
   * The Chromium binary, installed first if need be (once per machine).
   *
   * @throws IllegalStateException with a one-line message saying what to install
   */
  public static synchronized Path executable() {
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
    Optional<Path> installed = find(debianPaths);
    if (installed.isPresent()) {
      return installed.get();
    }
    if (!"root".equals(user) || !Files.isExecutable(APT_GET)) {
      throw new IllegalStateException(MISSING);
    }
    install();
    return find(debianPaths).orElseThrow(() -> new IllegalStateException("apt-get installed chromium, yet none of "
        + debianPaths + " exists; " + MISSING));
  }

  private static Optional<Path> find(List<Path> candidates) {
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static void install() {
    LOG.info("Chromium is missing: installing Debian's chromium with apt-get (once per machine, a minute or two)");
    Path log;
    try {
      log = Files.createTempFile("chromium-install-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A stale package index is the usual reason an install fails on a fresh machine: refresh it and try again.
    if (apt(log, "install", "-y", "chromium") != 0 && (apt(log, "update") != 0
        || apt(log, "install", "-y", "chromium") != 0)) {
      throw new IllegalStateException("apt-get install -y chromium failed (output in " + log + "); " + MISSING);
    }
    LOG.info("Chromium installed (apt-get output in {})", log);
  }

  private static int apt(Path log, String... arguments) {
    List<String> command = new ArrayList<>(List.of(APT_GET.toString(), "-q",
        // Other builds on the machine may hold the dpkg lock for a while: wait for it rather than fail.
        "-o", "DPkg::Lock::Timeout=600"));
    command.addAll(List.of(arguments));
    ChildProcess apt = ChildProcess.of("apt-get " + arguments[0], command)
        .environment(Map.of("DEBIAN_FRONTEND", "noninteractive"))
        .logTo(log)
        .start();
    try {
      apt.process().getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close apt-get's stdin", e);
    }
    return apt.awaitExit(INSTALL_TIMEOUT, Duration.ofSeconds(30));
  }
}
