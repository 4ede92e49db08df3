package io.smsgw.broker;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import javax.management.ObjectName;

import org.apache.activemq.artemis.api.core.management.CoreNotificationType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptor;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.management.Notification;
import org.apache.activemq.artemis.core.server.management.NotificationListener;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a {@link LoginPenaltiesControl} for each acceptor that serves {@code protocol}, through the broker's
 * ManagementService (JMX, the console, Jolokia, management messages), and removes it when the acceptor goes.
 * <p>
 * Artemis makes one protocol manager per acceptor and protocol ({@code RemotingServiceImpl.createAcceptor}), and each
 * keeps its own {@link LoginPenalties}, so the bean is per acceptor and protocol. A broker-lifetime component: started
 * after the broker created its acceptors, stopped before they close. Acceptors that a reload of broker.xml adds,
 * changes or removes are followed through the broker's ACCEPTOR_STARTED / ACCEPTOR_STOPPED notifications, which come
 * after a new acceptor is in the broker's map and after a removed one left it.
 */
public final class LoginPenaltyBeans implements ActiveMQComponent, NotificationListener {

   private static final Logger logger = LoggerFactory.getLogger(LoginPenaltyBeans.class);

   private record Registered(AbstractSmsProtocolManager<?, ?> manager, ObjectName objectName, String resourceName) {
   }

   private final ActiveMQServer server;
   private final String protocol;
   private final Map<String, Registered> registered = new HashMap<>();
   private boolean started;

   public LoginPenaltyBeans(ActiveMQServer server, String protocol) {
      this.server = server;
      this.protocol = protocol;
   }

   /** The bean's resource name for management messages: {@code sms-login-penalties.<acceptor>.<protocol>}. */
   public static String resourceName(String acceptor, String protocol) {
      return "sms-login-penalties." + acceptor + "." + protocol;
   }

   /** The bean's JMX name. */
   public static ObjectName objectName(Configuration config, String acceptor, String protocol) throws Exception {
      return ObjectName.getInstance(config.getJMXDomain() + ":broker=" + ObjectName.quote(config.getName())
                                       + ",component=sms-login-penalties,name=" + ObjectName.quote(acceptor)
                                       + ",protocol=" + ObjectName.quote(protocol));
   }

   @Override
   public synchronized void start() {
      if (started) {
         return;
      }
      started = true;
      server.getManagementService().addNotificationListener(this);
      update();
   }

   @Override
   public synchronized void stop() {
      if (!started) {
         return;
      }
      started = false;
      server.getManagementService().removeNotificationListener(this);
      for (Iterator<Map.Entry<String, Registered>> it = registered.entrySet().iterator(); it.hasNext(); ) {
         unregister(it.next().getValue());
         it.remove();
      }
   }

   @Override
   public synchronized boolean isStarted() {
      return started;
   }

   @Override
   public void onNotification(Notification notification) {
      if (notification.getType() == CoreNotificationType.ACCEPTOR_STARTED || notification.getType() == CoreNotificationType.ACCEPTOR_STOPPED) {
         synchronized (this) {
            if (started) {
               update();
            }
         }
      }
   }

   /** Makes the registered beans those of the broker's acceptors of this protocol now. */
   private void update() {
      Map<String, AbstractSmsProtocolManager<?, ?>> current = new HashMap<>();
      for (Map.Entry<String, Acceptor> e : server.getRemotingService().getAcceptors().entrySet()) {
         if (e.getValue() instanceof NettyAcceptor netty) {
            ProtocolManager<?, ?> manager = netty.getProtocolHandler().getProtocolMap().get(protocol);
            if (manager instanceof AbstractSmsProtocolManager<?, ?> sms) {
               current.put(e.getKey(), sms);
            }
         }
      }
      for (Iterator<Map.Entry<String, Registered>> it = registered.entrySet().iterator(); it.hasNext(); ) {
         Map.Entry<String, Registered> e = it.next();
         if (current.get(e.getKey()) != e.getValue().manager()) { // removed, or replaced by a changed acceptor
            unregister(e.getValue());
            it.remove();
         }
      }
      for (Map.Entry<String, AbstractSmsProtocolManager<?, ?>> e : current.entrySet()) {
         if (!registered.containsKey(e.getKey())) {
            register(e.getKey(), e.getValue());
         }
      }
   }

   private void register(String acceptor, AbstractSmsProtocolManager<?, ?> manager) {
      try {
         ObjectName name = objectName(server.getConfiguration(), acceptor, protocol);
         String resource = resourceName(acceptor, protocol);
         server.getManagementService().registerUntypedControl(resource, new LoginPenaltiesControl(acceptor, manager), name);
         registered.put(acceptor, new Registered(manager, name, resource));
      } catch (Exception e) {
         logger.warn("Could not register the failed-login management bean of acceptor '{}' ({})", acceptor, protocol, e);
      }
   }

   private void unregister(Registered bean) {
      try {
         server.getManagementService().unregisterUntypedControl(bean.resourceName(), bean.objectName());
      } catch (Exception e) {
         logger.debug("Unregistering {}", bean.objectName(), e);
      }
   }
}
