package io.adtrack.tracker.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** How the writer forces a segment's bytes to the device; tests substitute one that they can watch and hold. */
@FunctionalInterface
interface FileSync {

  FileSync FORCE = channel -> channel.force(false);

  void force(FileChannel channel) throws IOException;
}
