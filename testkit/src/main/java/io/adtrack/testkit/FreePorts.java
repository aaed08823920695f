package io.adtrack.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Finds loopback ports that are free right now, so parallel tests never fight over fixed ports. */
public final class FreePorts {

  private FreePorts() {
  }

  /** A port nobody listens on at the moment of the call. */
  public static int next() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
