package io.adtrack.conventions;

import java.util.function.Supplier;

/**
 * The AWS region of a program that also runs on a laptop (the tracker, the publisher CLI, ./program-events):
 * whatever the AWS SDK's own provider chain finds (AWS_REGION, the {@code aws.region} system property, the profile's
 * region, instance metadata), else {@value #LOCAL_DEFAULT}, the region the local pipeline's stand-ins are addressed
 * in (docs/contracts.md, "Configuration conventions"). In AWS the chain always finds one: the task definition and
 * the Lambda runtime set AWS_REGION. The Lambdas keep to the chain alone.
 *
 * @param id           the region's id, such as {@code eu-west-1}
 * @param localDefault whether the chain found none, so this is {@value #LOCAL_DEFAULT}
 */
public record AwsRegion(String id, boolean localDefault) {

  /** The region when nothing names one. */
  public static final String LOCAL_DEFAULT = "us-east-1";

  /**
   * @param providerChain the SDK's chain, e.g. {@code () -> new DefaultAwsRegionProviderChain().getRegion().id()};
   *                      it throws when it finds no region
   */
  public static AwsRegion resolve(Supplier<String> providerChain) {
    try {
      return new AwsRegion(providerChain.get(), false);
    } catch (RuntimeException noRegion) {
      // The chain already tried every place a region can be set and says so at length: the line below is the news.
      return new AwsRegion(LOCAL_DEFAULT, true);
    }
  }

  /** The region and where it came from, for the line a program logs at start. */
  @Override
  public String toString() {
    return localDefault
        ? id + " (the local default: no AWS_REGION, aws.region or profile region is set)"
        : id;
  }
}
