package io.adtrack.updater.publish;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Settings of the publisher CLI, read once from the environment.
 *
 * @param stream the core-data Kinesis stream (CORE_DATA_STREAM, default core-data-updates)
 * @param region AWS region (AWS_REGION, default us-east-1)
 * @param endpoint endpoint override (AWS_ENDPOINT_URL_KINESIS, else AWS_ENDPOINT_URL), or null for AWS itself
 */
public record PublisherConfig(String stream, String region, URI endpoint) {

  public static final List<String> ENVIRONMENT_VARIABLES = List.of("CORE_DATA_STREAM", "AWS_REGION",
      "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL");

  public static PublisherConfig fromEnvironment(Map<String, String> env) {
    String endpoint = valueOr(env, "AWS_ENDPOINT_URL_KINESIS", valueOr(env, "AWS_ENDPOINT_URL", null));
    return new PublisherConfig(valueOr(env, "CORE_DATA_STREAM", "core-data-updates"),
        valueOr(env, "AWS_REGION", "us-east-1"), endpoint == null ? null : URI.create(endpoint.trim()));
  }

  /** Whether the endpoint is an emulator on this machine (which accepts any credentials). */
  public boolean isLocalEndpoint() {
    if (endpoint == null || endpoint.getHost() == null) {
      return false;
    }
    String host = endpoint.getHost();
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
  }

  private static String valueOr(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
