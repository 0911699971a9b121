package io.resnetspark.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.common.Secrets;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ResNetOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * model-card.json: what a person or a serving system needs to use an exported model and judge it:
 * architecture and options, input shape and normalization, classes, where the training data and run
 * are, the training configuration (credentials masked), metrics from training and, when given, from
 * an evaluation report, and the code version that exported it.
 */
public final class ModelCard {
    private ModelCard() {
    }

    public static Map<String, Object> of(String name, String version, String sourceUri, String sha256,
                                         ModelMetadata meta, long trainableParams, JsonNode report, String reportUri,
                                         String codeVersion, String created) {
        ResNetOptions o = meta.options();
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("format_version", 1);
        card.put("name", name);
        card.put("version", version);
        card.put("created", created);
        card.put("code_version", codeVersion);

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("architecture", o.model());
        model.put("residual", o.residual());
        model.put("stem", o.stem() == null ? null : o.stem().name().toLowerCase(java.util.Locale.ROOT));
        model.put("shortcut", o.shortcut() == null ? null : o.shortcut().name());
        model.put("trainable_params", trainableParams);
        model.put("options", io.resnetspark.model.ModelStore.JSON.convertValue(o, Map.class));
        model.put("file", "model.zip");
        model.put("sha256", sha256);
        model.put("source", Secrets.cleanUri(sourceUri));
        card.put("model", model);

        Map<String, Object> input = new LinkedHashMap<>();
        input.put("shape", List.of(o.channels(), o.height(), o.width()));
        input.put("layout", "NCHW, float32");
        input.put("pixels", "uint8 RGB/gray scaled to [0, 1], then (x - mean) / std per channel");
        if (meta.normalization() != null) {
            input.put("mean", meta.normalization().mean());
            input.put("std", meta.normalization().std());
        }
        card.put("input", input);
        card.put("output", Map.of("classes", meta.classes().size(), "activation", "softmax",
                "class_index", "classes.json"));
        card.put("classes", meta.classes());

        Map<String, Object> training = new LinkedHashMap<>();
        Map<String, Object> t = meta.training();
        Object data = t.get("data");
        training.put("data", data == null ? null : Secrets.cleanUri(data.toString()));
        training.put("manifest", data == null ? null : Secrets.cleanUri(data.toString().replaceAll("/+$", "") + "/manifest.json"));
        training.put("run", t.get("run") == null ? null : Secrets.cleanUri(t.get("run").toString()));
        for (String k : new String[] {"epoch", "iteration", "seed", "master"}) {
            training.put(k, t.get(k));
        }
        training.put("config", Secrets.mask(t.getOrDefault("config", Map.of())));
        card.put("training", training);

        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Object> fromTraining = new LinkedHashMap<>();
        for (String k : new String[] {"val_top1", "val_top5", "train_loss"}) {
            if (t.containsKey(k)) {
                fromTraining.put(k, t.get(k));
            }
        }
        metrics.put("training", fromTraining);
        if (report != null) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("report", Secrets.cleanUri(reportUri));
            ev.put("data", report.path("data").path("uri").asText(null));
            ev.put("split", report.path("data").path("split").asText(null));
            ev.put("examples", report.path("examples").asLong());
            for (String k : new String[] {"top1", "top5", "loss", "ece"}) {
                ev.put(k, report.path(k).asDouble());
            }
            ev.put("macro_f1", report.path("macro_avg").path("f1").asDouble());
            ev.put("weighted_f1", report.path("weighted_avg").path("f1").asDouble());
            metrics.put("evaluation", ev);
        }
        card.put("metrics", metrics);
        return card;
    }
}
