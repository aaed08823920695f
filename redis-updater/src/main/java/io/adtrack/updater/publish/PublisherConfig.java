package io.adtrack.updater.publish;

import io.adtrack.conventions.Environment;
import java.util.List;

/**
 * Settings of the publisher CLI, read once from the environment. Region, credentials and an endpoint override
 * (AWS_REGION, AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, the profile) are the AWS SDK's to read.
 *
 * @param stream the core-data Kinesis stream (CORE_DATA_STREAM, default core-data-updates)
 */
public record PublisherConfig(String stream) {

  /** What this config reads itself. */
  public static final List<String> ENVIRONMENT_VARIABLES = List.of("CORE_DATA_STREAM");

  public static PublisherConfig fromEnvironment(Environment env) {
    return new PublisherConfig(env.string("CORE_DATA_STREAM", "core-data-updates"));
  }
}
