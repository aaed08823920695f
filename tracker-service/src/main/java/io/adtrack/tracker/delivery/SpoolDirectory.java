package io.adtrack.tracker.delivery;

import io.adtrack.conventions.ConfigurationException;
import io.adtrack.tracker.config.TrackerConfig;
import io.adtrack.tracker.spool.Spool;
import io.adtrack.tracker.spool.SpoolOpenException;
import io.adtrack.tracker.spool.SpoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the spool lives, and opening it at start-up.
 * <ul>
 *   <li>SPOOL_DIR set: that directory, which must exist and be writable (a mount point the deployment provides; a
 *   typo must not spool events where nobody will look).</li>
 *   <li>SPOOL_DIR unset: {@code <java.io.tmpdir>/adtrack-spool-<HTTP_PORT>}, created when missing. A tracker run by
 *   hand works out of the box, two trackers on one machine (different ports) get one each, and a tracker restarted
 *   on the same port sends what the last one left. With HTTP_PORT=0 (any free port) no later process could find it
 *   again, so the tracker takes a fresh {@code adtrack-spool-*} directory instead.</li>
 * </ul>
 * A directory the tracker made for itself is removed again at a shutdown that leaves nothing unsent, so trackers
 * run by hand do not fill the temporary directory; one that still holds events stays for the next start.
 */
public final class SpoolDirectory {

  static final String PREFIX = "adtrack-spool-";

  /**
   * An open spool, and whether its directory is the tracker's own (SPOOL_DIR unset).
   *
   * @param own whether to remove the directory when it is left empty at shutdown
   */
  public record Opened(Spool spool, boolean own) {
  }

  private SpoolDirectory() {
  }

  /**
   * Opens the spool: scans what an earlier process left (blocking: call it at start-up, not on an event loop).
   *
   * @throws ConfigurationException naming SPOOL_DIR, in one line, when the directory is missing, not a directory,
   *                                not writable, or in use by another process
   */
  public static Opened open(TrackerConfig.Delivery settings, int httpPort) {
    return open(settings, httpPort, Path.of(System.getProperty("java.io.tmpdir")));
  }

  static Opened open(TrackerConfig.Delivery settings, int httpPort, Path temporaryDirectory) {
    Optional<Path> configured = settings.spoolDir();
    Path directory = configured.orElseGet(() -> ownDirectory(httpPort, temporaryDirectory));
    SpoolOptions options = SpoolOptions.of(directory, settings.spoolMaxBytes(), settings.spoolFsync());
    try {
      return new Opened(Spool.open(options), configured.isEmpty());
    } catch (SpoolOpenException e) {
      if (configured.isPresent()) {
        throw new ConfigurationException("SPOOL_DIR", "SPOOL_DIR: " + e.getMessage());
      }
      boolean taken = e.getMessage().contains("in use") || e.getMessage().contains("already open");
      throw new ConfigurationException("SPOOL_DIR", "SPOOL_DIR (unset, so the tracker's own " + directory + "): "
          + e.getMessage() + (taken ? " (another tracker on port " + httpPort + "?)" : ""));
    }
  }

  /** The tracker's own directory: {@code adtrack-spool-<port>}, made when missing; a fresh one for port 0. */
  private static Path ownDirectory(int httpPort, Path temporaryDirectory) {
    try {
      if (httpPort == 0) {
        return Files.createTempDirectory(temporaryDirectory, PREFIX);
      }
      return Files.createDirectories(temporaryDirectory.resolve(PREFIX + httpPort));
    } catch (IOException e) {
      throw new ConfigurationException("SPOOL_DIR", "SPOOL_DIR is unset, and the tracker cannot make its own spool "
          + "directory in " + temporaryDirectory + ": " + e + " (set SPOOL_DIR to a writable directory)");
    }
  }
}
