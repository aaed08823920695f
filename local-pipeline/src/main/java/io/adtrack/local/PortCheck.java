package io.adtrack.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;

/** Refuses to start on a port that is taken, naming the variable that moves it. */
final class PortCheck {

  /** A port the pipeline cannot use; the message is the one line the user sees. */
  static final class PortTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
      super(message);
    }
  }

  private PortCheck() {
  }

  /**
   * Checks every port before anything starts, so a clash never leaves half a pipeline running.
   *
   * @throws PortTakenException naming the variable to change
   */
  static void requireFree(Map<String, Integer> portsByVariable) {
    Map<Integer, String> seen = new HashMap<>();
    portsByVariable.forEach((variable, port) -> {
      String other = seen.putIfAbsent(port, variable);
      if (other != null) {
        throw new PortTakenException(other + " and " + variable + " are both " + port + ": give " + variable
            + " another port, e.g. " + variable + "=" + (port + 1) + " ./run");
      }
      if (isTaken(port)) {
        throw new PortTakenException("Port " + port + " is already in use (" + variable + "): stop what listens "
            + "there or choose another port, e.g. " + variable + "=" + (port + 1) + " ./run");
      }
    });
  }

  static boolean isTaken(int port) {
    return answers(port) || !bindable(port);
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean bindable(int port) {
    // The wildcard address, as DynamoDB Local and Node bind: it clashes with a listener on any local address.
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
