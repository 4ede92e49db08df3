package io.smsgw.cmppinterop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An application on the message contract, with the Artemis Jakarta JMS client over TCP (CORE): reads
 * MTs from {@code sms.mt}, pushes MOs and status reports to {@code sms.sp.<account>}, reads billing
 * records from {@code sms.billing}. Every call opens its own connection, so the helper outlives gateway
 * restarts.
 */
final class ContractJms {

   private static final String MANAGEMENT_ADDRESS = "activemq.management";
   private static final Duration MANAGEMENT_TIMEOUT = Duration.ofSeconds(10);

   private final String url;

   ContractJms(String url) {
      this.url = url;
   }

   /** Takes the MT whose {@code smsId} is {@code smsId} from {@code sms.mt}, or null if none comes within {@code timeout}. */
   TextMessage receiveMt(String smsId, Duration timeout) throws JMSException {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
           JMSConsumer consumer = context.createConsumer(context.createQueue(SmsAddresses.MT),
                                                         SmsProperties.ID + " = '" + smsId + "'")) {
         Message message = consumer.receive(timeout.toMillis());
         if (message != null && !(message instanceof TextMessage)) {
            throw new AssertionError("A text SMS must arrive as a TextMessage, got " + message);
         }
         return (TextMessage) message;
      }
   }

   /** Sends one segment's text with its user data header ({@code smsUdh}) and the given contract properties. */
   void sendSegmentToAccount(String account, String text, byte[] udh, Map<String, String> properties) throws JMSException {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
         TextMessage message = context.createTextMessage(text);
         for (Map.Entry<String, String> property : properties.entrySet()) {
            message.setStringProperty(property.getKey(), property.getValue());
         }
         ((org.apache.activemq.artemis.jms.client.ActiveMQMessage) message).getCoreMessage()
            .putBytesProperty(org.apache.activemq.artemis.api.core.SimpleString.of("smsUdh"), udh);
         context.createProducer().send(context.createQueue(SmsAddresses.accountQueue(account)), message);
      }
   }

   /** Sends a text message with the given contract properties to the account's queue. */
   void sendToAccount(String account, String text, Map<String, String> properties) throws JMSException {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
         TextMessage message = context.createTextMessage(text);
         for (Map.Entry<String, String> property : properties.entrySet()) {
            message.setStringProperty(property.getKey(), property.getValue());
         }
         context.createProducer().send(context.createQueue(SmsAddresses.accountQueue(account)), message);
      }
   }

   /**
    * Takes the records waiting on the durable subscription {@code subscription} of client {@code clientId}
    * to {@code sms.billing} (created on first use), their {@code sms*} properties: waits up to
    * {@code firstTimeout} for the first (not at all when zero), then reads until none arrives for
    * {@code quietTime}.
    */
   List<Map<String, Object>> billingRecords(String clientId, String subscription, Duration firstTimeout, Duration quietTime)
      throws JMSException {
      List<Map<String, Object>> records = new ArrayList<>();
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
         context.setClientID(clientId);
         try (JMSConsumer consumer = context.createDurableConsumer(context.createTopic(SmsAddresses.BILLING), subscription)) {
            Message message = firstTimeout.isZero() ? consumer.receiveNoWait() : consumer.receive(firstTimeout.toMillis());
            while (message != null) {
               Map<String, Object> properties = new TreeMap<>();
               for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements(); ) {
                  String name = (String) names.nextElement();
                  if (name.startsWith("sms")) {
                     properties.put(name, message.getObjectProperty(name));
                  }
               }
               records.add(properties);
               message = consumer.receive(quietTime.toMillis());
            }
         }
      }
      return records;
   }

   /** Messages on the queue, those delivered but not yet acknowledged included (asked through broker management). */
   long messageCount(String queue) throws Exception {
      try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
           JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
         TemporaryQueue replyTo = context.createTemporaryQueue();
         Message request = context.createMessage();
         JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + queue, "messageCount");
         request.setJMSReplyTo(replyTo);
         try (JMSConsumer replies = context.createConsumer(replyTo)) {
            context.createProducer().send(context.createQueue(MANAGEMENT_ADDRESS), request);
            Message reply = replies.receive(MANAGEMENT_TIMEOUT.toMillis());
            if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
               throw new AssertionError("No answer from broker management for the message count of " + queue + ": " + reply);
            }
            return ((Number) JMSManagementHelper.getResult(reply)).longValue();
         }
      }
   }
}
