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
 * A program the tests need from a Debian package (Chromium, tmux): found where the package puts it; when missing and
 * the build runs as root with apt-get (a CI container, this team's machines), installed with
 * {@code apt-get install -y}; otherwise the caller's one-line message says what to install.
 *
 * @param name      the package's name
 * @param binaries  where the package puts the program, in order of preference
 * @param missing   the one-line message a missing program fails with
 */
public record DebianPackage(String name, List<Path> binaries, String missing) {

  private static final Logger LOG = LoggerFactory.getLogger(DebianPackage.class);
  private static final Path APT_GET = Path.of("/usr/bin/apt-get");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

  /** tmux, for the tests that run a command in a terminal the way a person would and then close it. */
  public static final DebianPackage TMUX = new DebianPackage("tmux", List.of(Path.of("/usr/bin/tmux")),
      "tmux not found: install Debian's tmux package (sudo apt-get install -y tmux)");

  public DebianPackage {
    binaries = List.copyOf(binaries);
  }

  /**
   * The program, installed first if need be (once per machine).
   *
   * @throws IllegalStateException with the one-line message saying what to install
   */
  public Path executable() {
    return executable(System.getProperty("user.name"));
  }

  /** {@link #executable()} for the given user, so the choice can be tested. */
  Path executable(String user) {
    // One apt-get at a time in this JVM: dpkg takes one lock for the whole machine anyway.
    synchronized (DebianPackage.class) {
      Optional<Path> installed = find();
      if (installed.isPresent()) {
        return installed.get();
      }
      if (!"root".equals(user) || !Files.isExecutable(APT_GET)) {
        throw new IllegalStateException(missing);
      }
      install();
      return find().orElseThrow(() -> new IllegalStateException("apt-get installed " + name + ", yet none of "
          + binaries + " exists; " + missing));
    }
  }

  private Optional<Path> find() {
    return binaries.stream().filter(Files::isExecutable).findFirst();
  }

  private void install() {
    LOG.info("{} is missing: installing Debian's {} with apt-get (once per machine)", name, name);
    Path log;
    try {
      log = Files.createTempFile(name + "-install-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // A stale package index is the usual reason an install fails on a fresh machine: refresh it and try again.
    if (apt(log, "install", "-y", name) != 0 && (apt(log, "update") != 0 || apt(log, "install", "-y", name) != 0)) {
      throw new IllegalStateException("apt-get install -y " + name + " failed (output in " + log + "); " + missing);
    }
    LOG.info("{} installed (apt-get output in {})", name, log);
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
