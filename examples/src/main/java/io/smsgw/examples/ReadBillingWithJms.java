package io.smsgw.examples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A billing system: a durable JMS subscription (Artemis core client) on the multicast address
 * {@code sms.billing} that prints the billing records waiting for it, one per message and final state.
 *
 * <p>The subscription is client id {@value #CLIENT_ID}, name {@value #SUBSCRIPTION}: the broker keeps
 * its records while this program is not running. broker.xml declares its queue
 * ({@code billing-demo.records}), so even the records of SMS sent before the first run are there.
 *
 * <p>{@code mvn -pl examples exec:java -Dexec.mainClass=io.smsgw.examples.ReadBillingWithJms}
 * (optional: {@code -Dsmsgw.jms.url=tcp://host:port}).
 */
public final class ReadBillingWithJms {

   public static final String DEFAULT_URL = "tcp://localhost:61616";
   public static final String CLIENT_ID = "billing-demo";
   public static final String SUBSCRIPTION = "records";
   /** How long {@link #main} waits for a first record. */
   public static final Duration FIRST_RECORD_TIMEOUT = Duration.ofSeconds(10);
   /** Once records flow, the reading stops after this long without one. */
   public static final Duration QUIET_TIME = Duration.ofSeconds(1);

   /** One billing record: its {@code sms*} properties (smsId, smsAccount, smsStatus, smsBillable, ...), by name. */
   public record BillingRecord(Map<String, Object> smsProperties) {

      public BillingRecord {
         smsProperties = Collections.unmodifiableMap(new TreeMap<>(smsProperties));
      }

      public Object property(String name) {
         return smsProperties.get(name);
      }
   }

   private ReadBillingWithJms() {
   }

   public static void main(String[] args) throws Exception {
      String url = System.getProperty("smsgw.jms.url", DEFAULT_URL);
      List<BillingRecord> records = read(url, FIRST_RECORD_TIMEOUT, QUIET_TIME);
      if (records.isEmpty()) {
         System.out.println("No billing record on " + SmsAddresses.BILLING + " within " + FIRST_RECORD_TIMEOUT.toSeconds() + " s");
      }
      for (BillingRecord record : records) {
         System.out.println("Billing record:");
         record.smsProperties().forEach((name, value) -> System.out.println("  " + name + " = " + value));
      }
   }

   /**
    * Takes the records waiting on the subscription (creating it on first use): waits up to
    * {@code firstTimeout} for the first, then reads until none arrives for {@code quietTime}.
    * Records taken are acknowledged, so the next call sees only newer ones.
    */
   public static List<BillingRecord> read(String url, Duration firstTimeout, Duration quietTime) throws JMSException {
      List<BillingRecord> records = new ArrayList<>();
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
         context.setClientID(CLIENT_ID);
         try (JMSConsumer consumer = context.createDurableConsumer(context.createTopic(SmsAddresses.BILLING), SUBSCRIPTION)) {
            Message message = consumer.receive(firstTimeout.toMillis());
            while (message != null) {
               records.add(toRecord(message));
               message = consumer.receive(quietTime.toMillis());
            }
         }
      }
      return records;
   }

   static BillingRecord toRecord(Message message) throws JMSException {
      Map<String, Object> properties = new TreeMap<>();
      Enumeration<?> names = message.getPropertyNames();
      while (names.hasMoreElements()) {
         String name = (String) names.nextElement();
         if (name.startsWith("sms")) {
            properties.put(name, message.getObjectProperty(name));
         }
      }
      return new BillingRecord(properties);
   }
}
