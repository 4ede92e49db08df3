package io.smsgw.broker.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.CoreNotificationType;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.management.Notification;
import org.apache.activemq.artemis.core.server.management.NotificationListener;

/**
 * The broker's CONSUMER_CREATED and CONSUMER_CLOSED notifications for one queue, as its own consumer count and any
 * subscriber of the notification address get them: a consumer announced closed before it was announced created is
 * what leaves that count off by one.
 */
public final class ConsumerNotifications implements NotificationListener {

   private final SimpleString queue;
   private final Set<Long> created = new HashSet<>();
   private final List<Long> closedBeforeCreated = new ArrayList<>();

   private ConsumerNotifications(String queue) {
      this.queue = SimpleString.of(queue);
   }

   public static ConsumerNotifications on(ActiveMQServer server, String queue) {
      ConsumerNotifications listener = new ConsumerNotifications(queue);
      server.getManagementService().addNotificationListener(listener);
      return listener;
   }

   @Override
   public synchronized void onNotification(Notification notification) {
      if (!(notification.getType() instanceof CoreNotificationType type)) {
         return;
      }
      var props = notification.getProperties();
      if (props == null || !queue.equals(props.getSimpleStringProperty(ManagementHelper.HDR_ROUTING_NAME))
          || !props.containsProperty(ManagementHelper.HDR_CONSUMER_NAME)) {
         return;
      }
      Long consumer = (Long) props.getProperty(ManagementHelper.HDR_CONSUMER_NAME);
      if (type == CoreNotificationType.CONSUMER_CREATED) {
         created.add(consumer);
      } else if (type == CoreNotificationType.CONSUMER_CLOSED && !created.remove(consumer)) {
         closedBeforeCreated.add(consumer);
      }
   }

   /** The consumers whose CONSUMER_CLOSED came before their CONSUMER_CREATED. */
   public synchronized List<Long> closedBeforeCreated() {
      return List.copyOf(closedBeforeCreated);
   }
}
