package io.adtrack.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sets JVM system properties for the length of one call, then puts back what was there. Tests use it for the AWS
 * SDK's system-property twins of the environment variables a deployed process gets ({@code aws.endpointUrlKinesis}
 * for AWS_ENDPOINT_URL_KINESIS, {@code aws.endpointUrlDynamoDb} for AWS_ENDPOINT_URL_DYNAMODB): the SDK reads them
 * when a client is built, so a client built inside the call resolves its endpoint exactly as in production.
 */
public final class SystemProperties {

  /** The SDK's twin of AWS_ENDPOINT_URL_KINESIS. */
  public static final String KINESIS_ENDPOINT = "aws.endpointUrlKinesis";
  /** The SDK's twin of AWS_ENDPOINT_URL_DYNAMODB. */
  public static final String DYNAMODB_ENDPOINT = "aws.endpointUrlDynamoDb";

  private SystemProperties() {
  }

  /** Runs {@code action} with {@code properties} set; not for tests that run in parallel within one JVM. */
  public static synchronized <T> T during(Map<String, String> properties, Supplier<T> action) {
    Map<String, String> before = new HashMap<>();
    properties.forEach((name, value) -> {
      before.put(name, System.getProperty(name));
      System.setProperty(name, value);
    });
    try {
      return action.get();
    } finally {
      before.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }
}
