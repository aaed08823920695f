package io.adtrack.updater;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adtrack.conventions.RedisLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * A real subscriber on {@code core-data-updates}, on its own connection straight to Redis (not through a test's
 * proxy), recording every message. {@link #drain()} proves absence: it publishes a marker and waits for it, and
 * Redis delivers a channel's messages in order, so everything published before is recorded by then.
 */
final class ChannelRecorder implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
  private final int port;
  private final Jedis connection;
  private final JedisPubSub pubSub = new JedisPubSub() {
    @Override
    public void onMessage(String channel, String message) {
      messages.add(message);
      JsonNode json = parse(message);
      listeners.forEach(listener -> listener.accept(json));
    }
  };

  private ChannelRecorder(int port) {
    this.port = port;
    this.connection = new Jedis("localhost", port);
    Thread thread = new Thread(() -> connection.subscribe(pubSub, RedisLayout.CHANNEL), "channel-recorder");
    thread.setDaemon(true);
    thread.start();
    await().atMost(Duration.ofSeconds(10)).until(pubSub::isSubscribed);
  }

  static ChannelRecorder subscribe(int redisPort) {
    return new ChannelRecorder(redisPort);
  }

  /** Runs the action on the subscriber thread for every message received from now on. */
  void onMessage(Consumer<JsonNode> listener) {
    listeners.add(listener);
  }

  /** Waits until every message published so far has been received. */
  void drain() {
    String marker = "{\"marker\":\"" + UUID.randomUUID() + "\"}";
    try (Jedis publisher = new Jedis("localhost", port)) {
      publisher.publish(RedisLayout.CHANNEL, marker);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> messages.contains(marker));
  }

  /** Messages about one program, parsed, in the order received. */
  List<JsonNode> messagesFor(String programId) {
    return messages.stream()
        .map(ChannelRecorder::parse)
        .filter(json -> programId.equals(json.path("programId").asText(null)))
        .toList();
  }

  /** Messages about programs whose id starts with the prefix, as received. */
  List<JsonNode> messagesWithPrefix(String prefix) {
    return messages.stream()
        .map(ChannelRecorder::parse)
        .filter(json -> json.path("programId").asText("").startsWith(prefix))
        .toList();
  }

  private static JsonNode parse(String message) {
    try {
      return MAPPER.readTree(message);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON on the channel: " + message, e);
    }
  }

  @Override
  public void close() {
    if (pubSub.isSubscribed()) {
      pubSub.unsubscribe();
    }
    connection.close();
  }
}
