package io.smsgw.broker;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** Questions about the broker's configured acceptors. */
public final class Acceptors {

   private Acceptors() {
   }

   /** Whether any acceptor lists {@code protocol} in its {@code protocols=} parameter. */
   public static boolean anyEnables(ActiveMQServer server, String protocol) {
      for (TransportConfiguration acceptor : server.getConfiguration().getAcceptorConfigurations()) {
         if (lists(acceptor.getParams().get("protocols"), protocol)) {
            return true;
         }
      }
      return false;
   }

   /** Whether a {@code protocols=} value names exactly this one protocol (a dedicated acceptor). */
   public static boolean isOnly(Object protocols, String protocol) {
      return protocols != null && protocol.equals(protocols.toString().trim());
   }

   /** Whether a {@code protocols=} value names {@code protocol} among others (false when there is none). */
   public static boolean lists(Object protocols, String protocol) {
      if (protocols == null) {
         return false;
      }
      for (String name : protocols.toString().split(",")) {
         if (protocol.equals(name.trim())) {
            return true;
         }
      }
      return false;
   }

   /**
    * The parameters of another gateway protocol (starting with {@code prefix}, such as {@code cmppWindowSize}) on an
    * acceptor whose {@code protocols=} list does not name that {@code protocol}: no protocol manager reads them, and
    * the broker would ignore them without a word. Empty for an acceptor without a list (it serves every protocol).
    */
   public static List<String> unservedParameters(Map<String, Object> parameters, String prefix, String protocol) {
      Object protocols = parameters.get("protocols");
      List<String> unserved = new ArrayList<>();
      if (protocols == null || lists(protocols, protocol)) {
         return unserved;
      }
      for (String key : new TreeSet<>(parameters.keySet())) {
         if (key.startsWith(prefix)) {
            unserved.add(key);
         }
      }
      return unserved;
   }

   /**
    * The acceptor parameters starting with {@code prefix} (the protocol's own, such as {@code smppWindowSize})
    * that no setter of {@code manager} takes. The broker hands a protocol manager every parameter and skips the
    * ones it has no property for, so a misspelt or mistyped parameter would otherwise be ignored without a word.
    */
   public static List<String> unknownParameters(Class<?> manager, Map<String, Object> parameters, String prefix) {
      Set<String> writable = new TreeSet<>();
      try {
         for (PropertyDescriptor property : Introspector.getBeanInfo(manager).getPropertyDescriptors()) {
            if (property.getWriteMethod() != null) {
               writable.add(property.getName());
            }
         }
      } catch (IntrospectionException e) {
         throw new IllegalStateException("cannot inspect " + manager.getName(), e);
      }
      List<String> unknown = new ArrayList<>();
      for (String key : new TreeSet<>(parameters.keySet())) {
         if (key.startsWith(prefix) && !writable.contains(key)) {
            unknown.add(key);
         }
      }
      return unknown;
   }
}
