package io.resnetspark.cli;

import io.resnetspark.config.ModelSettings;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ModelSummary;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** {@code summary}: the layer table of a model of the zoo, as text or one JSON object. */
public final class SummaryCommand implements Command {
    @Override
    public String name() {
        return "summary";
    }

    @Override
    public String summary() {
        return "print every layer of a model with its output shape and trainable parameters";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("model", "model.name", "classes", "", "input", "", "stem", "model.stem",
                "shortcut", "model.shortcut");
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("json", "", "plain", "");
    }

    @Override
    public int run(Invocation inv) throws Exception {
        int classes = inv.localInt("classes", 1000);
        int[] input = ResNetOptions.parseInput(inv.local("input", "3x224x224"));
        var config = inv.localSwitch("plain") ? inv.config().with(Map.of("model.residual", false)) : inv.config();
        ResNetOptions o = ModelSettings.options(config, classes, input[0], input[1], input[2]);
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        ModelSummary s = ModelSummary.of(g, o);
        if (inv.localSwitch("json")) {
            System.out.println(ModelStore.JSON.writeValueAsString(json(s, o)));
        } else {
            System.out.print(s.table());
        }
        return 0;
    }

    static Map<String, Object> json(ModelSummary s, ResNetOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.model());
        m.put("input", s.input());
        m.put("residual", o.residual());
        m.put("stem", o.stem().name().toLowerCase());
        m.put("shortcut", o.shortcut().name());
        m.put("classes", o.classes());
        m.put("trainable_params", s.trainableParams());
        m.put("all_params", s.allParams());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (ModelSummary.Row r : s.layers()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", r.name());
            l.put("type", r.type());
            l.put("output_shape", r.outputShape());
            l.put("trainable_params", r.trainableParams());
            l.put("all_params", r.allParams());
            layers.add(l);
        }
        m.put("layers", layers);
        return m;
    }
}
