package io.smsgw.examples;

import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;

import io.smsgw.core.contract.SmsAddresses;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An application reading mobile-terminated messages: a plain Jakarta JMS consumer (Artemis core
 * client) on {@code sms.mt} that prints the text and the {@code sms*} properties of one message.
 *
 * <p>{@code mvn -pl examples exec:java -Dexec.mainClass=io.smsgw.examples.ReadMtWithJms}
 * (optional: {@code -Dsmsgw.jms.url=tcp://host:port}).
 */
public final class ReadMtWithJms {

   public static final String DEFAULT_URL = "tcp://localhost:61616";

   /** What an application sees of one SMS: its text and its contract properties. */
   public record MtMessage(String text, Map<String, Object> smsProperties) {
   }

   private ReadMtWithJms() {
   }

   public static void main(String[] args) throws Exception {
      String url = System.getProperty("smsgw.jms.url", DEFAULT_URL);
      MtMessage sms = readOne(url, Duration.ofSeconds(10));
      if (sms == null) {
         System.out.println("No message on " + SmsAddresses.MT + " within 10 s");
         return;
      }
      System.out.println("Text: " + sms.text());
      sms.smsProperties().forEach((name, value) -> System.out.println(name + " = " + value));
   }

   /** Takes one message from {@code sms.mt}, or returns null if none arrives within {@code timeout}. */
   public static MtMessage readOne(String url, Duration timeout) throws JMSException {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
           JMSConsumer consumer = context.createConsumer(context.createQueue(SmsAddresses.MT))) {
         Message message = consumer.receive(timeout.toMillis());
         return message == null ? null : toMtMessage(message);
      }
   }

   static MtMessage toMtMessage(Message message) throws JMSException {
      String text = message instanceof TextMessage textMessage ? textMessage.getText() : null;
      Map<String, Object> properties = new TreeMap<>();
      Enumeration<?> names = message.getPropertyNames();
      while (names.hasMoreElements()) {
         String name = (String) names.nextElement();
         if (name.startsWith("sms")) {
            properties.put(name, message.getObjectProperty(name));
         }
      }
      return new MtMessage(text, properties);
   }
}
