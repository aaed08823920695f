package io.adtrack.tracker.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the spool directory at open (exists, is a directory, takes a file) and holds an exclusive lock on its
 * {@code lock} file while the spool is open, so two processes never write one spool. The OS drops the lock when
 * the process dies, however it dies, so a restart after SIGKILL finds it free.
 */
final class SpoolLock {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolLock.class);
  static final String FILE_NAME = "lock";

  private final FileChannel channel;
  private final FileLock lock;

  private SpoolLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static SpoolLock acquire(Path directory) {
    if (!Files.exists(directory)) {
      throw new SpoolOpenException("spool directory " + directory + " does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new SpoolOpenException("spool directory " + directory + " is not a directory");
    }
    Path probe = directory.resolve(".write-test");
    try {
      Files.write(probe, new byte[1]);
      Files.delete(probe);
    } catch (IOException e) {
      throw new SpoolOpenException("spool directory " + directory + " is not writable: " + Spool.describe(e), e);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new SpoolOpenException("spool directory " + directory + " is in use by another process");
      }
      return new SpoolLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new SpoolOpenException("spool directory " + directory + " is already open in this process", e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new SpoolOpenException("cannot lock spool directory " + directory + ": " + Spool.describe(e), e);
    } catch (SpoolOpenException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  void release() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("Releasing the spool lock failed (closing the file drops it anyway)", e);
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing the spool lock file failed", e);
      }
    }
  }
}
