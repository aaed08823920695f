package io.adtrack.cloudformation;

import static io.adtrack.cloudformation.Template.list;
import static io.adtrack.cloudformation.Template.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The stack's security promises, each a check over a parsed template that lists what breaks it (empty: kept).
 * {@code SecurityContractTest} runs every check on the template and on copies broken on purpose.
 *
 * <p>To extend: a resource type that holds data gets its rule in {@link #STORES}; a type that holds none goes into
 * {@link #HOLDS_NO_DATA} with the reason; an action that cannot name its resources goes into
 * {@link #WILDCARD_ACTIONS} with the reason. A type in neither list fails {@link #unencryptedStores} until someone
 * has decided which it is.
 */
final class SecurityContract {

  /** Actions that may be allowed on Resource "*", each with the reason. Every other action names its resources. */
  static final Map<String, String> WILDCARD_ACTIONS = Map.of(
      "ecr:GetAuthorizationToken", "registry login is account-wide; IAM defines no resource for it",
      "ec2:CreateNetworkInterface", "VPC Lambda: Lambda creates the function's ENIs, ids unknown in advance",
      "ec2:DeleteNetworkInterface", "VPC Lambda: as above",
      "ec2:AssignPrivateIpAddresses", "VPC Lambda: as above",
      "ec2:UnassignPrivateIpAddresses", "VPC Lambda: as above",
      "ec2:DescribeNetworkInterfaces", "Describe calls take no resource",
      "ec2:DescribeSubnets", "Describe calls take no resource");

  /** Services whose resources this stack creates: their statements must point at the stack's own resources. */
  private static final Set<String> STACK_OWNED_SERVICES = Set.of("kinesis", "dynamodb", "sqs", "logs",
      "secretsmanager");

  /** Every type that holds data, with how it is encrypted at rest and in transit and the rule that checks it. */
  static final Map<String, Store> STORES = Map.of(
      "AWS::Kinesis::Stream", new Store("KMS (StreamEncryption); Kinesis serves HTTPS only",
          SecurityContract::kinesisStream),
      "AWS::DynamoDB::Table", new Store("KMS (SSESpecification); a resource policy refuses requests without TLS, "
          + "since DynamoDB also serves HTTP", SecurityContract::dynamoDbTable),
      "AWS::ElastiCache::ReplicationGroup", new Store("at-rest and in-transit encryption (TLS required), AUTH",
          SecurityContract::redis),
      "AWS::SQS::Queue", new Store("SSE; a queue policy refuses requests without TLS, since SQS also serves HTTP",
          SecurityContract::sqsQueue),
      "AWS::SecretsManager::Secret", new Store("Secrets Manager encrypts every secret with KMS and serves HTTPS "
          + "only; the value must not be written into the template", SecurityContract::secret),
      "AWS::Logs::LogGroup", new Store("CloudWatch Logs encrypts every group and serves HTTPS only; the retention is "
          + "logGroupsWithoutRetention's", (template, id, properties) -> List.of()),
      "AWS::S3::Bucket", new Store("BucketEncryption; a bucket policy refuses requests without TLS",
          SecurityContract::s3Bucket),
      "AWS::EFS::FileSystem", new Store("Encrypted; every task mounting it uses TLS (TransitEncryption)",
          SecurityContract::efsFileSystem));

  /** Types that hold no data of their own, each with the reason. */
  static final Map<String, String> HOLDS_NO_DATA = merge(
      holdNoData("network configuration", "AWS::EC2::VPC", "AWS::EC2::InternetGateway",
          "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::Route",
          "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::EIP", "AWS::EC2::NatGateway", "AWS::EC2::VPCEndpoint",
          "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
          "AWS::ElastiCache::SubnetGroup", "AWS::ElasticLoadBalancingV2::LoadBalancer",
          "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::TargetGroup"),
      holdNoData("access and resource policies", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy",
          "AWS::SQS::QueuePolicy"),
      holdNoData("compute and wiring: events only pass through to the stores", "AWS::ECS::Cluster",
          "AWS::ECS::Service", "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::EventSourceMapping",
          "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy",
          "AWS::CloudFormation::WaitConditionHandle"),
      holdNoData("monitoring configuration: alarm names, thresholds, states, saved query texts",
          "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::SNS::Topic", "AWS::SNS::Subscription",
          "AWS::Logs::QueryDefinition"),
      holdNoData("the tasks' scratch space is Fargate ephemeral storage, which Fargate encrypts, and goes with the "
          + "task", "AWS::ECS::TaskDefinition"),
      holdNoData("code lives in the artifact bucket; Lambda encrypts the environment at rest (aws/lambda)",
          "AWS::Lambda::Function"),
      holdNoData("edge filtering: rules, their attachment and where to log; what WAF logs lands in a log group",
          "AWS::WAFv2::WebACL", "AWS::WAFv2::WebACLAssociation", "AWS::WAFv2::LoggingConfiguration"));

  /**
   * Resources where data lives that a stack deletion or replacement must not destroy, with the policy they need.
   * Every DynamoDB table is held to Retain and deletion protection besides.
   */
  static final Map<String, String> KEPT = Map.of(
      "EventTable", "Retain",
      "TrackingEventsStream", "Retain",
      "ConsumerFailureQueue", "Retain",
      "RedisReplicationGroup", "Snapshot");

  private SecurityContract() {
  }

  /** How one kind of store is encrypted, and the rule that says what is wrong with one resource of it. */
  record Store(String encryption, StoreRule rule) {
  }

  /** What is wrong with one store resource. */
  @FunctionalInterface
  interface StoreRule {
    List<String> problems(Template template, String id, Map<String, Object> properties);
  }

  // ------------------------------------------------------------------------------------------- ingress

  /** Ingress open to the whole internet (0.0.0.0/0, ::/0) anywhere but on the load balancer's listener ports. */
  static List<String> worldOpenIngress(Template template) {
    Set<String> loadBalancerGroups = new TreeSet<>();
    template.propertiesOfType("AWS::ElasticLoadBalancingV2::LoadBalancer").values()
        .forEach(balancer -> loadBalancerGroups.addAll(template.referencedResources(balancer.get("SecurityGroups"))));
    Set<Integer> listenerPorts = template.propertiesOfType("AWS::ElasticLoadBalancingV2::Listener").values().stream()
        .map(listener -> number(listener.get("Port"))).collect(Collectors.toCollection(TreeSet::new));

    List<String> problems = new ArrayList<>();
    ingressRules(template).forEach((where, groupAndRule) -> {
      Map<String, Object> rule = groupAndRule.rule();
      String source = worldSource(rule);
      if (source == null) {
        return;
      }
      String protocol = String.valueOf(rule.get("IpProtocol"));
      int from = number(rule.get("FromPort"));
      int to = number(rule.get("ToPort"));
      boolean listenerPort = ("tcp".equals(protocol) || "6".equals(protocol)) && from == to
          && listenerPorts.contains(from);
      if (!loadBalancerGroups.contains(groupAndRule.group()) || !listenerPort) {
        problems.add(where + ": " + protocol + " " + from + "-" + to + " from " + source + " (only the load "
            + "balancer's listener ports " + listenerPorts + " may be open to the world)");
      }
    });
    return problems;
  }

  private record GroupRule(String group, Map<String, Object> rule) {
  }

  /** Every ingress rule, inline in a security group or on its own, with the group it opens. */
  private static Map<String, GroupRule> ingressRules(Template template) {
    Map<String, GroupRule> rules = new LinkedHashMap<>();
    template.propertiesOfType("AWS::EC2::SecurityGroup").forEach((id, group) -> {
      List<Object> inline = list(group.getOrDefault("SecurityGroupIngress", List.of()));
      for (int i = 0; i < inline.size(); i++) {
        rules.put(id + " ingress " + i, new GroupRule(id, map(inline.get(i))));
      }
    });
    template.propertiesOfType("AWS::EC2::SecurityGroupIngress").forEach((id, rule) -> rules.put(id, new GroupRule(
        template.referencedResources(rule.get("GroupId")).stream().findFirst().orElse("(another stack's group)"),
        rule)));
    return rules;
  }

  private static String worldSource(Map<String, Object> rule) {
    for (String key : List.of("CidrIp", "CidrIpv6")) {
      Object cidr = rule.get(key);
      if (cidr instanceof String text && text.endsWith("/0")) {
        return text;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------- edge

  /**
   * Internet-facing load balancers no AWS WAF web ACL with a rate-based rule protects: abuse is stopped at the edge
   * (the tracker does not count requests per client itself).
   */
  static List<String> publicLoadBalancersWithoutWebAcl(Template template) {
    Set<String> rateLimitingAcls = new TreeSet<>();
    template.propertiesOfType("AWS::WAFv2::WebACL").forEach((id, acl) -> {
      if (list(acl.getOrDefault("Rules", List.of())).stream().map(rule -> map(map(rule).get("Statement")))
          .anyMatch(statement -> statement != null && statement.containsKey("RateBasedStatement"))) {
        rateLimitingAcls.add(id);
      }
    });
    Set<String> protectedBalancers = new TreeSet<>();
    template.propertiesOfType("AWS::WAFv2::WebACLAssociation").values().forEach(association -> {
      if (template.referencedResources(association.get("WebACLArn")).stream().anyMatch(rateLimitingAcls::contains)) {
        protectedBalancers.addAll(template.referencedResources(association.get("ResourceArn")));
      }
    });
    List<String> problems = new ArrayList<>();
    template.propertiesOfType("AWS::ElasticLoadBalancingV2::LoadBalancer").forEach((id, balancer) -> {
      if (!"internal".equals(balancer.get("Scheme")) && !protectedBalancers.contains(id)) {
        problems.add(id + ": internet-facing without a web ACL that limits the rate per client IP");
      }
    });
    return problems;
  }

  // ------------------------------------------------------------------------------------------- IAM

  /**
   * Allow statements that do not name their resources: wildcard actions, "*" resources for actions outside
   * {@link #WILDCARD_ACTIONS}, statements on the stack's services that point elsewhere, grants to everyone, and any
   * NotAction / NotResource / NotPrincipal. Deny statements may be as wide as they like.
   */
  static List<String> iamWithoutNamedResources(Template template) {
    List<String> problems = new ArrayList<>();
    policyStatements(template).forEach((where, statement) -> {
      for (String negation : List.of("NotAction", "NotResource", "NotPrincipal")) {
        if (statement.containsKey(negation)) {
          problems.add(where + ": " + negation + " grants what it does not name");
        }
      }
      if (!"Allow".equals(statement.get("Effect"))) {
        return;
      }
      List<String> actions = list(statement.getOrDefault("Action", List.of())).stream().map(String::valueOf).toList();
      List<Object> resources = list(statement.getOrDefault("Resource", List.of()));
      actions.stream().filter(action -> action.contains("*"))
          .forEach(action -> problems.add(where + ": wildcard action " + action));
      if (resources.stream().anyMatch(SecurityContract::isWildcard)) {
        actions.stream().filter(action -> !WILDCARD_ACTIONS.containsKey(action))
            .forEach(action -> problems.add(where + ": " + action + " on a wildcard resource"));
      }
      if (actions.stream().anyMatch(action -> STACK_OWNED_SERVICES.contains(service(action)))) {
        resources.stream().filter(resource -> template.referencedResources(resource).isEmpty())
            .forEach(resource -> problems.add(where + ": " + actions + " on " + resource
                + ", which is not a resource of this stack"));
      }
      Object principal = statement.get("Principal");
      if ("*".equals(principal) || principal instanceof Map<?, ?> byKind && byKind.containsValue("*")) {
        problems.add(where + ": allows everyone (Principal *)");
      }
    });
    return problems;
  }

  /**
   * Every statement of every identity and resource policy in the template (not the trust policies), keyed by where
   * it is.
   */
  static Map<String, Map<String, Object>> policyStatements(Template template) {
    Map<String, Map<String, Object>> statements = new LinkedHashMap<>();
    template.resources().forEach((id, resource) ->
        collectStatements(map(map(resource).getOrDefault("Properties", Map.of())), id, statements));
    return statements;
  }

  private static void collectStatements(Object value, String where, Map<String, Map<String, Object>> into) {
    if (value instanceof Map<?, ?> object) {
      object.forEach((key, child) -> {
        if (("PolicyDocument".equals(key) || "ResourcePolicy".equals(key)) && child instanceof Map<?, ?> document
            && document.containsKey("Statement")) {
          List<Object> statements = list(document.get("Statement"));
          for (int i = 0; i < statements.size(); i++) {
            into.put(where + " " + key + " statement " + i, map(statements.get(i)));
          }
        } else if (!"AssumeRolePolicyDocument".equals(key)) {
          collectStatements(child, where, into);
        }
      });
    } else if (value instanceof List<?> items) {
      items.forEach(item -> collectStatements(item, where, into));
    }
  }

  private static boolean isWildcard(Object resource) {
    Object text = resource instanceof Map<?, ?> function && function.containsKey("Fn::Sub")
        ? function.get("Fn::Sub") : resource;
    return text instanceof String string && string.contains("*");
  }

  private static String service(String action) {
    return action.substring(0, action.indexOf(':'));
  }

  // ------------------------------------------------------------------------------------------- encryption

  /** Stores not encrypted at rest and in transit as {@link #STORES} requires, and types nobody has classified. */
  static List<String> unencryptedStores(Template template) {
    List<String> problems = new ArrayList<>();
    template.resources().forEach((id, resource) -> {
      String type = String.valueOf(map(resource).get("Type"));
      Store store = STORES.get(type);
      if (store != null) {
        Map<String, Object> properties = map(map(resource).getOrDefault("Properties", Map.of()));
        store.rule().problems(template, id, properties).forEach(problem -> problems.add(id + ": " + problem));
      } else if (!HOLDS_NO_DATA.containsKey(type)) {
        problems.add(id + ": " + type + " is neither a store (SecurityContract.STORES, with its encryption rule) "
            + "nor known to hold no data (SecurityContract.HOLDS_NO_DATA, with the reason)");
      }
    });
    return problems;
  }

  private static List<String> kinesisStream(Template template, String id, Map<String, Object> stream) {
    Object encryption = stream.get("StreamEncryption");
    return encryption != null && "KMS".equals(map(encryption).get("EncryptionType"))
        ? List.of() : List.of("not encrypted at rest (StreamEncryption with EncryptionType KMS)");
  }

  private static List<String> dynamoDbTable(Template template, String id, Map<String, Object> table) {
    List<String> problems = new ArrayList<>();
    Object sse = table.get("SSESpecification");
    if (sse == null || !Boolean.TRUE.equals(map(sse).get("SSEEnabled"))) {
      problems.add("not encrypted at rest with a KMS key (SSESpecification SSEEnabled true)");
    }
    Object policy = table.get("ResourcePolicy");
    if (policy == null || !deniesRequestsWithoutTls(map(map(policy).get("PolicyDocument")), "dynamodb")) {
      problems.add("takes requests without TLS (ResourcePolicy denying aws:SecureTransport false)");
    }
    return problems;
  }

  private static List<String> redis(Template template, String id, Map<String, Object> group) {
    List<String> problems = new ArrayList<>();
    if (!Boolean.TRUE.equals(group.get("AtRestEncryptionEnabled"))) {
      problems.add("not encrypted at rest (AtRestEncryptionEnabled)");
    }
    if (!Boolean.TRUE.equals(group.get("TransitEncryptionEnabled"))
        || !List.of("required").containsAll(list(group.getOrDefault("TransitEncryptionMode", "required")))) {
      problems.add("does not require TLS (TransitEncryptionEnabled, TransitEncryptionMode required)");
    }
    if (group.get("AuthToken") == null) {
      problems.add("no AUTH token");
    }
    return problems;
  }

  private static List<String> sqsQueue(Template template, String id, Map<String, Object> queue) {
    List<String> problems = new ArrayList<>();
    if (!Boolean.TRUE.equals(queue.get("SqsManagedSseEnabled")) && queue.get("KmsMasterKeyId") == null) {
      problems.add("not encrypted at rest (SqsManagedSseEnabled or KmsMasterKeyId)");
    }
    problems.addAll(tlsOnlyByPolicy(template, id, "AWS::SQS::QueuePolicy", "Queues", "sqs"));
    return problems;
  }

  private static List<String> secret(Template template, String id, Map<String, Object> secret) {
    Object value = secret.get("SecretString");
    boolean written = value != null && !String.valueOf(value).contains("{{resolve:");
    return written ? List.of("its value is written into the template (generate it, or build it from dynamic "
        + "references)") : List.of();
  }

  private static List<String> s3Bucket(Template template, String id, Map<String, Object> bucket) {
    List<String> problems = new ArrayList<>();
    if (bucket.get("BucketEncryption") == null) {
      problems.add("no BucketEncryption");
    }
    problems.addAll(tlsOnlyByPolicy(template, id, "AWS::S3::BucketPolicy", "Bucket", "s3"));
    return problems;
  }

  private static List<String> efsFileSystem(Template template, String id, Map<String, Object> fileSystem) {
    List<String> problems = new ArrayList<>();
    if (!Boolean.TRUE.equals(fileSystem.get("Encrypted"))) {
      problems.add("not encrypted at rest (Encrypted)");
    }
    template.propertiesOfType("AWS::ECS::TaskDefinition").forEach((taskId, task) ->
        list(task.getOrDefault("Volumes", List.of())).stream().map(Template::map)
            .map(volume -> volume.get("EFSVolumeConfiguration")).filter(efs -> efs != null)
            .filter(efs -> template.referencedResources(map(efs).get("FilesystemId")).contains(id))
            .filter(efs -> !"ENABLED".equals(map(efs).get("TransitEncryption")))
            .forEach(efs -> problems.add(taskId + " mounts it without TransitEncryption ENABLED")));
    return problems;
  }

  /** A store whose policy is a resource of its own (queue, bucket): some such policy of it must refuse plain HTTP. */
  private static List<String> tlsOnlyByPolicy(Template template, String id, String policyType, String storeProperty,
      String service) {
    boolean tlsOnly = template.propertiesOfType(policyType).values().stream()
        .filter(policy -> template.referencedResources(policy.get(storeProperty)).contains(id))
        .anyMatch(policy -> deniesRequestsWithoutTls(map(policy.get("PolicyDocument")), service));
    return tlsOnly ? List.of()
        : List.of("takes requests without TLS (an " + policyType + " denying aws:SecureTransport false)");
  }

  /** Whether a policy document denies every action of the service to everyone when the request is not over TLS. */
  private static boolean deniesRequestsWithoutTls(Map<String, Object> document, String service) {
    return document != null && list(document.get("Statement")).stream().map(Template::map).anyMatch(statement ->
        "Deny".equals(statement.get("Effect"))
            && "*".equals(statement.get("Principal"))
            && list(statement.get("Action")).stream().anyMatch(action -> "*".equals(action)
                || (service + ":*").equals(action))
            && statement.get("Condition") != null
            && map(statement.get("Condition")).get("Bool") instanceof Map<?, ?> bool
            && "false".equals(String.valueOf(bool.get("aws:SecureTransport"))));
  }

  // ------------------------------------------------------------------------------------------- log retention

  /**
   * Log groups that keep logs forever: groups of the template without RetentionInDays, Lambda functions whose
   * /aws/lambda/ group the template does not create (Lambda would create one without a retention), and containers
   * that log to a group the template does not create.
   */
  static List<String> logGroupsWithoutRetention(Template template) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, Object>> groups = template.propertiesOfType("AWS::Logs::LogGroup");
    groups.forEach((id, group) -> {
      if (group.get("RetentionInDays") == null) {
        problems.add(id + ": no RetentionInDays");
      }
    });
    Set<String> groupNames = groups.values().stream().map(group -> Template.subText(group.get("LogGroupName")))
        .collect(Collectors.toSet());
    template.propertiesOfType("AWS::Lambda::Function").forEach((id, function) -> {
      Object loggingConfig = function.get("LoggingConfig");
      boolean ownGroup = (loggingConfig != null
          && !template.referencedResources(map(loggingConfig).get("LogGroup")).isEmpty())
          || (function.get("FunctionName") != null
          && groupNames.contains("/aws/lambda/" + Template.subText(function.get("FunctionName"))));
      if (!ownGroup) {
        problems.add(id + ": logs to a group the stack does not create (/aws/lambda/<FunctionName> or "
            + "LoggingConfig), which Lambda would create without a retention");
      }
    });
    template.propertiesOfType("AWS::ECS::TaskDefinition").forEach((id, task) ->
        list(task.get("ContainerDefinitions")).stream().map(Template::map).forEach(container -> {
          Object options = container.get("LogConfiguration") == null ? null
              : map(container.get("LogConfiguration")).get("Options");
          Object group = options == null ? null : map(options).get("awslogs-group");
          if (group == null || template.referencedResources(group).stream().noneMatch(groups::containsKey)) {
            problems.add(id + " container " + container.get("Name") + ": logs to a group the stack does not "
                + "create");
          }
        }));
    return problems;
  }

  // ------------------------------------------------------------------------------------------- deletion

  /** Data a stack deletion or replacement would destroy: {@link #KEPT} and every DynamoDB table. */
  static List<String> dataWithoutDeletionProtection(Template template) {
    List<String> problems = new ArrayList<>();
    Map<String, String> required = new HashMap<>(KEPT);
    template.idsOfType("AWS::DynamoDB::Table").forEach(table -> required.put(table, "Retain"));
    required.forEach((id, policy) -> {
      if (!template.resources().containsKey(id)) {
        problems.add(id + ": no such resource (SecurityContract.KEPT names it)");
        return;
      }
      Map<String, Object> definition = template.definition(id);
      for (String kind : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
        if (!policy.equals(definition.get(kind))) {
          problems.add(id + ": " + kind + " " + definition.get(kind) + ", must be " + policy);
        }
      }
    });
    template.propertiesOfType("AWS::DynamoDB::Table").forEach((id, table) -> {
      if (!Boolean.TRUE.equals(table.get("DeletionProtectionEnabled"))) {
        problems.add(id + ": no DeletionProtectionEnabled");
      }
      Object recovery = table.get("PointInTimeRecoverySpecification");
      if (recovery == null || !Boolean.TRUE.equals(map(recovery).get("PointInTimeRecoveryEnabled"))) {
        problems.add(id + ": no point-in-time recovery");
      }
    });
    return problems;
  }

  // ------------------------------------------------------------------------------------------- helpers

  private static int number(Object value) {
    return Integer.parseInt(String.valueOf(value));
  }

  private static Map<String, String> holdNoData(String reason, String... types) {
    return Arrays.stream(types).collect(Collectors.toMap(type -> type, type -> reason));
  }

  @SafeVarargs
  private static Map<String, String> merge(Map<String, String>... parts) {
    Map<String, String> all = new HashMap<>();
    Arrays.stream(parts).forEach(all::putAll);
    return Map.copyOf(all);
  }
}
