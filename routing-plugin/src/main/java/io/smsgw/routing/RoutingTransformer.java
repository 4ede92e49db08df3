package io.smsgw.routing;

import java.util.Map;

import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.transformer.Transformer;

/**
 * Base of the divert transformers that route the contract's ingress addresses. A divert hands each message
 * a copy to transform; the transformer decides the copy's address, so every producer (SMPP, CMPP, JMS, AMQP,
 * core) is routed by the same rules. The router is looked up by the broker name given as property
 * {@code broker} in the divert's transformer configuration.
 */
abstract class RoutingTransformer implements Transformer {

   static final String BROKER_PROPERTY = "broker";

   protected SmsRouter router;

   @Override
   public void init(Map<String, String> properties) {
      router = SmsRouter.forBroker(properties.get(BROKER_PROPERTY));
   }

   static String string(Message message, SimpleString property) {
      Object value = message.getObjectProperty(property);
      return value == null ? null : value.toString();
   }

   static void to(Message message, String address, RoutingType routingType) {
      message.setAddress(address);
      message.setRoutingType(routingType);
   }

   static void put(Message message, SimpleString property, String value) {
      if (value != null) {
         message.putStringProperty(property, SimpleString.of(value));
      }
   }

   static String account(Message message) {
      return string(message, SmsProperties.ACCOUNT);
   }
}
