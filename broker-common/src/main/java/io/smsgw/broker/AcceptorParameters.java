package io.smsgw.broker;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import org.apache.activemq.artemis.core.server.ActiveMQComponent;
import org.apache.activemq.artemis.utils.uri.BeanSupport;
import org.slf4j.Logger;

/**
 * Sets a protocol manager's own acceptor parameters (those starting with its prefix, such as {@code smppWindowSize})
 * from the acceptor URL, checking each value against its setter's type first. The broker sets them with
 * commons-beanutils, which turns a value it cannot read into 0 without a word ({@code smppResponseTimeout=30s} became
 * 1 ms, {@code smppConnectionTtl=90s} "never"); here such a value is refused with a message naming the
 * parameter, its value and what was expected. A duration ({@link Millis}) may be written as in sms-gateway.conf
 * ({@code 30s}, {@code 500ms}, {@code 2m}); a bare number is milliseconds, as before.
 */
public final class AcceptorParameters {

   /** Marks the setter of a parameter that is a duration in milliseconds (it then also takes 30s, 500ms, 1m...). */
   @Retention(RetentionPolicy.RUNTIME)
   @Target(ElementType.METHOD)
   public @interface Millis {
   }

   /**
    * Marks the setter of a parameter that is a duration in seconds: a bare number is seconds (as it always was), and
    * it also takes a number with a unit (15m, 900s), like the {@link Millis} parameters.
    */
   @Retention(RetentionPolicy.RUNTIME)
   @Target(ElementType.METHOD)
   public @interface Seconds {
   }

   private AcceptorParameters() {
   }

   /**
    * The acceptors of one protocol whose parameters were refused. The broker only logs a WARN for an acceptor it
    * could not create and runs without it; as a protocol service (started after the acceptors are created, before
    * they listen) this fails the broker's start instead, as a broken sms-gateway.conf does.
    */
   public static final class Refusals implements ActiveMQComponent {
      private final String protocol;
      private final List<String> refused = new CopyOnWriteArrayList<>();
      private volatile boolean started;

      public Refusals(String protocol) {
         this.protocol = protocol;
      }

      /** Runs {@code create}; a refusal it throws is remembered, then thrown on. */
      public <M> M record(Callable<M> create) throws Exception {
         try {
            return create.call();
         } catch (IllegalArgumentException e) {
            refused.add(e.getMessage());
            throw e;
         }
      }

      @Override
      public void start() {
         if (!refused.isEmpty()) {
            throw new IllegalArgumentException("The broker does not start: " + refused.size() + " " + protocol
               + " acceptor(s) refused: " + String.join("; ", refused));
         }
         started = true;
      }

      @Override
      public void stop() {
         started = false;
      }

      @Override
      public boolean isStarted() {
         return started;
      }
   }

   /**
    * Checks and converts the {@code prefix} parameters, sets all parameters on {@code manager} as the broker would,
    * and logs a WARN for each numeric value the setter raised to its minimum. Unknown {@code prefix} parameters are
    * left to {@link Acceptors#unknownParameters}.
    *
    * @throws IllegalArgumentException naming the parameter, its value and the expected form
    */
   public static <M> M apply(M manager, Map<String, Object> parameters, String prefix, String protocol, Logger logger)
         throws Exception {
      Map<String, PropertyDescriptor> properties = writableProperties(manager.getClass());
      Map<String, Object> others = new HashMap<>();
      Map<String, Object> own = new TreeMap<>();
      for (Map.Entry<String, Object> entry : parameters.entrySet()) {
         PropertyDescriptor property = entry.getKey().startsWith(prefix) ? properties.get(entry.getKey()) : null;
         if (property == null || entry.getValue() == null) {
            others.put(entry.getKey(), entry.getValue());
         } else {
            own.put(entry.getKey(), convert(protocol, entry.getKey(), entry.getValue(), property.getWriteMethod()));
         }
      }
      BeanSupport.setData(manager, others);
      for (Map.Entry<String, Object> entry : own.entrySet()) {
         try {
            BeanSupport.setData(manager, Map.of(entry.getKey(), entry.getValue()));
         } catch (InvocationTargetException e) {
            // A setter that checks its own value (smppDefaultAlphabet, cmppVersion).
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException(protocol + " acceptor parameter " + entry.getKey() + "="
               + parameters.get(entry.getKey()) + " is not valid: " + cause.getMessage() + "; fix the acceptor URL in broker.xml", cause);
         }
      }
      for (Map.Entry<String, Object> entry : own.entrySet()) {
         Method getter = properties.get(entry.getKey()).getReadMethod();
         Object used = getter == null ? null : getter.invoke(manager);
         if (entry.getValue() instanceof Number wanted && used instanceof Number u && u.longValue() != wanted.longValue()) {
            logger.warn("{} acceptor parameter {}={} is below its minimum; {} is used", protocol, entry.getKey(),
                        parameters.get(entry.getKey()), u);
         }
      }
      return manager;
   }

   private static Object convert(String protocol, String key, Object raw, Method setter) {
      Class<?> type = setter.getParameterTypes()[0];
      String text = raw.toString().trim();
      try {
         if (setter.isAnnotationPresent(Millis.class)) {
            long millis = millis(raw, text);
            if (millis < 0) {
               throw new IllegalArgumentException("negative");
            }
            return type == int.class || type == Integer.class ? Math.toIntExact(millis) : millis;
         }
         if (setter.isAnnotationPresent(Seconds.class)) {
            long seconds = seconds(raw, text);
            if (seconds < 0) {
               throw new IllegalArgumentException("negative");
            }
            return type == int.class || type == Integer.class ? Math.toIntExact(seconds) : seconds;
         }
         if (type == int.class || type == Integer.class) {
            return raw instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(text);
         }
         if (type == long.class || type == Long.class) {
            return raw instanceof Number n ? n.longValue() : Long.parseLong(text);
         }
         if (type == boolean.class || type == Boolean.class) {
            if (raw instanceof Boolean) {
               return raw;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
               throw new IllegalArgumentException("not a boolean");
            }
            return Boolean.valueOf(lower);
         }
         return raw; // text: a setter that needs a particular form checks it itself
      } catch (RuntimeException e) {
         throw new IllegalArgumentException(protocol + " acceptor parameter " + key + "=" + raw + " is not valid: expected "
            + expected(setter, type) + "; fix the acceptor URL in broker.xml", e);
      }
   }

   private static long millis(Object raw, String text) {
      if (raw instanceof Number n) {
         return n.longValue();
      }
      try {
         // The reader of sms-gateway.conf: a bare number is milliseconds, else a number and a unit (ms, s, m, h, d...).
         return ConfigValueFactory.fromAnyRef(text).atKey("d").getDuration("d", TimeUnit.MILLISECONDS);
      } catch (ConfigException e) {
         throw new IllegalArgumentException(e.getMessage(), e);
      }
   }

   private static long seconds(Object raw, String text) {
      if (raw instanceof Number n) {
         return n.longValue();
      }
      if (text.matches("-?[0-9]+")) {
         return Long.parseLong(text);
      }
      long millis = millis(raw, text);
      if (millis % 1000 != 0) {
         throw new IllegalArgumentException("not whole seconds");
      }
      return millis / 1000;
   }

   private static String expected(Method setter, Class<?> type) {
      if (setter.isAnnotationPresent(Seconds.class)) {
         return "a duration of at least 0 in whole seconds: seconds (900) or a number with a unit (15m, 900s)";
      }
      if (setter.isAnnotationPresent(Millis.class)) {
         return "a duration of at least 0: milliseconds (30000) or a number with a unit (30s, 500ms, 2m)";
      }
      if (type == int.class || type == Integer.class) {
         return "a whole number up to " + Integer.MAX_VALUE;
      }
      if (type == long.class || type == Long.class) {
         return "a whole number";
      }
      if (type == boolean.class || type == Boolean.class) {
         return "true or false";
      }
      return type.getSimpleName();
   }

   private static Map<String, PropertyDescriptor> writableProperties(Class<?> manager) {
      Map<String, PropertyDescriptor> writable = new HashMap<>();
      try {
         for (PropertyDescriptor property : Introspector.getBeanInfo(manager).getPropertyDescriptors()) {
            if (property.getWriteMethod() != null) {
               writable.put(property.getName(), property);
            }
         }
      } catch (IntrospectionException e) {
         throw new IllegalStateException("cannot inspect " + manager.getName(), e);
      }
      return writable;
   }
}
