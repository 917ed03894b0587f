import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Used by infra/lib/kafka.sh: waits until the broker really answers metadata requests,
 * then creates the project's topics if they do not exist (idempotent), and checks that
 * all of them are listed with their partitions.
 *
 * <pre>
 *   java -cp kafka-libs/*:classes KafkaAdmin 127.0.0.1:9092 60 transactions:3 accounts:3 ...
 * </pre>
 *
 * One JVM for all topics (the kafka-topics tool would need one JVM start per topic).
 * Exit code 0 when the broker is ready and every topic exists.
 */
public class KafkaAdmin {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: KafkaAdmin <bootstrap> <timeoutSeconds> [topic:partitions ...]");
      System.exit(2);
    }
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    Map<String, Integer> wanted = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] p = args[i].split(":");
      wanted.put(p[0], p.length > 1 ? Integer.parseInt(p[1]) : 1);
    }

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "harbor-stack-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "250");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");

    try (Admin admin = Admin.create(props)) {
      // 1. broker answers and has a controller
      Exception last = null;
      while (true) {
        try {
          int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (nodes > 0 && admin.describeCluster().controller().get(5, TimeUnit.SECONDS) != null) {
            break;
          }
        } catch (Exception e) {
          last = e;
        }
        if (System.nanoTime() > deadline) {
          System.err.println("kafka: broker at " + bootstrap + " not ready: " + last);
          System.exit(1);
        }
        Thread.sleep(300);
      }

      // 2. create missing topics (retry: right after start the controller may not accept yet)
      while (true) {
        try {
          Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
          List<NewTopic> toCreate = new ArrayList<>();
          for (Map.Entry<String, Integer> e : wanted.entrySet()) {
            if (!existing.contains(e.getKey())) {
              toCreate.add(new NewTopic(e.getKey(), e.getValue(), (short) 1));
            }
          }
          if (!toCreate.isEmpty()) {
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> f :
                admin.createTopics(toCreate).values().entrySet()) {
              try {
                f.getValue().get(30, TimeUnit.SECONDS);
                System.out.println("kafka: created topic " + f.getKey() + " (" + wanted.get(f.getKey()) + " partitions)");
              } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
              }
            }
          }
          // 3. verify
          Collection<TopicDescription> desc =
              admin.describeTopics(wanted.keySet()).allTopicNames().get(10, TimeUnit.SECONDS).values();
          for (TopicDescription d : desc) {
            int want = wanted.get(d.name());
            if (d.partitions().size() < want) {
              System.err.println("kafka: WARNING topic " + d.name() + " has " + d.partitions().size()
                  + " partitions, expected " + want + " (delete .data/kafka to recreate)");
            }
            for (var p : d.partitions()) {
              if (p.leader() == null || p.leader().isEmpty()) {
                throw new IllegalStateException("topic " + d.name() + " partition " + p.partition() + " has no leader yet");
              }
            }
          }
          System.out.println("kafka: " + desc.size() + " topics ready");
          break;
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            System.err.println("kafka: topics not ready: " + e);
            System.exit(1);
          }
          Thread.sleep(500);
        }
      }
      // 4. warm up the internal topics (__consumer_offsets, __transaction_state) so the
      //    first consumer group / idempotent or transactional producer of a test does not
      //    wait for them to be created and loaded.
      if (System.getenv("KAFKA_ADMIN_WARMUP") != null) {
        warmup(admin, bootstrap, deadline);
      }
    }
  }

  private static void warmup(Admin admin, String bootstrap, long deadline) throws InterruptedException {
    while (true) {
      try {
        admin.listConsumerGroupOffsets("harbor-stack-warmup").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          System.err.println("kafka: WARNING group coordinator not ready: " + e);
          return;
        }
        Thread.sleep(300);
      }
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "harbor-stack-warmup");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      System.out.println("kafka: group and transaction coordinators ready");
    } catch (Exception e) {
      System.err.println("kafka: WARNING transaction coordinator not ready: " + e);
    }
  }
}
