package io.adtrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Each stand-in starts, answers over a real connection, and survives what the outage tests do to it. */
class StandInsTest {

  @Test
  void kinesaliteKeepsRecordsAcrossRestart() {
    try (KinesisEmulator kinesis = KinesisEmulator.kinesalite()) {
      kinesis.createStream("restart-test", 2);
      kinesis.client().putRecord(b -> b.streamName("restart-test").partitionKey("a")
          .data(SdkBytes.fromUtf8String("before")));
      kinesis.stop();
      kinesis.restart();
      kinesis.client().putRecord(b -> b.streamName("restart-test").partitionKey("b")
          .data(SdkBytes.fromUtf8String("after")));

      assertThat(kinesis.readAll("restart-test")).extracting(r -> r.data().asUtf8String())
          .containsExactlyInAnyOrder("before", "after");
    }
  }

  @Test
  void dynamoDbLocalCreatesTablesAndStoresItems() {
    try (DynamoDbLocal dynamo = DynamoDbLocal.start()) {
      dynamo.client().createTable(b -> b.tableName("stand-in-table").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(AttributeDefinition.builder().attributeName("k")
              .attributeType(ScalarAttributeType.S).build())
          .keySchema(KeySchemaElement.builder().attributeName("k").keyType(KeyType.HASH).build()));

      assertThat(dynamo.client().listTables().tableNames()).containsExactly("stand-in-table");
    }
  }

  @Test
  void redisBehindProxyIsUnreachableWhileCutAndBackAfterRestore() throws IOException {
    try (RedisServerFixture redis = RedisServerFixture.start(); TcpProxy proxy = TcpProxy.start(redis.port())) {
      assertThat(ping(proxy.port())).isEqualTo("+PONG");

      proxy.cut();
      // Refused, or (while the kernel tears the listener down) accepted and closed at once: either way no PONG.
      assertThat(pingOrFailure(proxy.port())).isNotEqualTo("+PONG");

      proxy.restore();
      assertThat(ping(proxy.port())).isEqualTo("+PONG");
    }
  }

  @Test
  void redisBehindAStalledProxy_acceptsButNeverAnswers_untilRestored() throws IOException {
    try (RedisServerFixture redis = RedisServerFixture.start(); TcpProxy proxy = TcpProxy.start(redis.port())) {
      proxy.stall();

      assertThat(pingOrFailure(proxy.port(), 300)).startsWith("unreachable: Read timed out");

      proxy.restore();
      assertThat(ping(proxy.port(), 2_000)).isEqualTo("+PONG");
    }
  }

  @Test
  void redisBehindADelayingProxy_answersEverything_butNotBeforeTheDelay_untilRestored() throws IOException {
    try (RedisServerFixture redis = RedisServerFixture.start(); TcpProxy proxy = TcpProxy.start(redis.port())) {
      proxy.delay(Duration.ofMillis(1_500));

      // No earlier than the delay (a lower bound: a slow machine cannot make it answer sooner)...
      assertThat(pingOrFailure(proxy.port(), 1_000)).startsWith("unreachable: Read timed out");
      // ...and nothing lost on a line that is only slow.
      assertThat(ping(proxy.port(), 30_000)).isEqualTo("+PONG");

      proxy.restore();
      assertThat(ping(proxy.port(), 2_000)).isEqualTo("+PONG");
    }
  }

  @Test
  void aPersistentRedis_keepsItsDataAcrossAStop_andForgetsItWhenRestartedEmpty(@TempDir Path dir)
      throws IOException {
    try (RedisServerFixture redis = RedisServerFixture.persistent(FreePorts.next(), dir.resolve("redis"))) {
      assertThat(command(redis.port(), "SET k v")).isEqualTo("+OK");

      redis.stop();
      redis.restart();
      assertThat(command(redis.port(), "GET k")).isEqualTo("$1\r\nv");

      redis.restartEmpty();
      assertThat(command(redis.port(), "GET k")).isEqualTo("$-1");
    }
  }

  /** One inline command and the first line or two of its reply. */
  private static String command(int port, String command) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[64];
      int read = socket.getInputStream().read(reply);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).strip();
    }
  }

  private static String pingOrFailure(int port) {
    return pingOrFailure(port, 2_000);
  }

  private static String pingOrFailure(int port, int timeoutMillis) {
    try {
      return ping(port, timeoutMillis);
    } catch (IOException e) {
      return "unreachable: " + e.getMessage();
    }
  }

  private static String ping(int port) throws IOException {
    return ping(port, 2_000);
  }

  private static String ping(int port, int timeoutMillis) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int read = in.readNBytes(reply, 0, 5);
      return new String(reply, 0, read, StandardCharsets.US_ASCII);
    }
  }
}
