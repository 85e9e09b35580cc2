/**
 * The Hugging Face model types convspec imports, as transformers defines
 * them: each config class's defaults (applied to absent keys, and reported),
 * how its heads are split, and what each `architectures` class adds on top of
 * the backbone. A head that has no convspec equivalent is named in a note and
 * left out, never approximated.
 */

export type HfModelType = "convbert" | "bert" | "electra";

/** What an `architectures` entry means for the spec's task heads. */
export interface ArchitectureHeads {
  mlm?: boolean;
  classifier?: boolean;
  /** The HF head that convspec has no equivalent of: left out, with this note. */
  dropped?: string;
  /** The class is not an encoder convspec can describe: an error. */
  refused?: string;
  /** Kept although this class does not build it (bert-base checkpoints carry the pooler's weights). */
  poolerNote?: string;
}

export interface HfModelInfo {
  configClass: string;
  /** `XConfig.__init__` defaults (transformers), for the keys convspec reads. */
  defaults: Readonly<Record<string, number | string | boolean>>;
  /** ConvBERT splits heads with head_ratio into attention + conv branches; BERT and ELECTRA are attention only. */
  split: "convbert" | "attention";
  /** BertModel has a pooler (tanh(dense(h[:, 0]))); ConvBERT and ELECTRA do not. */
  pooler: boolean;
  /** ELECTRA's generator and classification heads use GELU whatever `hidden_act` says. */
  headActivation?: "gelu";
  architectures: Readonly<Record<string, ArchitectureHeads>>;
}

const noHead = (what: string): ArchitectureHeads => ({ dropped: `its ${what} has no convspec head: imported without it` });

export const HF_MODELS: Readonly<Record<HfModelType, HfModelInfo>> = {
  convbert: {
    configClass: "ConvBertConfig",
    defaults: {
      vocab_size: 30522,
      hidden_size: 768,
      embedding_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      intermediate_size: 3072,
      hidden_act: "gelu",
      max_position_embeddings: 512,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      pad_token_id: 1,
      head_ratio: 2,
      conv_kernel_size: 9,
      num_groups: 1,
      tie_word_embeddings: true,
    },
    split: "convbert",
    pooler: false,
    // ConvBERT imports keep the generator head and a classifier when labels are given, whatever the class.
    architectures: {
      ConvBertModel: {},
      ConvBertForMaskedLM: {},
      ConvBertForSequenceClassification: {},
      ConvBertForTokenClassification: noHead("token classification head (ConvBertForTokenClassification)"),
      ConvBertForQuestionAnswering: noHead("question answering head (ConvBertForQuestionAnswering)"),
      ConvBertForMultipleChoice: noHead("multiple choice head (ConvBertForMultipleChoice)"),
    },
  },
  bert: {
    configClass: "BertConfig",
    defaults: {
      vocab_size: 30522,
      hidden_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      intermediate_size: 3072,
      hidden_act: "gelu",
      max_position_embeddings: 512,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
      tie_word_embeddings: true,
    },
    split: "attention",
    pooler: true,
    architectures: {
      BertModel: {},
      BertForMaskedLM: {
        mlm: true,
        poolerNote: "BertForMaskedLM builds no pooler; the BertModel pooler is kept (bert-base checkpoints carry its weights): `heads { pooler false }` drops it",
      },
      BertForPreTraining: { mlm: true, dropped: "its next-sentence head (cls.seq_relationship) has no convspec head: imported without it" },
      BertForSequenceClassification: { dropped: "its classifier (one linear layer on the pooler output) is not convspec's classifier head (dense, activation, out_proj on the first token): imported without it" },
      BertForNextSentencePrediction: noHead("next-sentence head (cls.seq_relationship)"),
      BertForTokenClassification: noHead("token classification head"),
      BertForQuestionAnswering: noHead("question answering head"),
      BertForMultipleChoice: noHead("multiple choice head"),
      BertLMHeadModel: { refused: "BertLMHeadModel is a causal (decoder) language model; convspec models are bidirectional encoders" },
    },
  },
  electra: {
    configClass: "ElectraConfig",
    defaults: {
      vocab_size: 30522,
      embedding_size: 128,
      hidden_size: 256,
      num_hidden_layers: 12,
      num_attention_heads: 4,
      intermediate_size: 1024,
      hidden_act: "gelu",
      max_position_embeddings: 512,
      type_vocab_size: 2,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
      tie_word_embeddings: true,
    },
    split: "attention",
    pooler: false,
    headActivation: "gelu",
    architectures: {
      ElectraModel: {},
      ElectraForMaskedLM: { mlm: true },
      ElectraForSequenceClassification: { classifier: true },
      ElectraForPreTraining: noHead("discriminator head (discriminator_predictions: dense, activation, one logit per token)"),
      ElectraForTokenClassification: noHead("token classification head"),
      ElectraForQuestionAnswering: noHead("question answering head"),
      ElectraForMultipleChoice: noHead("multiple choice head (sequence summary)"),
      ElectraForCausalLM: { refused: "ElectraForCausalLM is a causal (decoder) language model; convspec models are bidirectional encoders" },
    },
  },
};

export function isHfModelType(type: string): type is HfModelType {
  return Object.hasOwn(HF_MODELS, type);
}

/** HF `hidden_act` spellings of a function convspec has under another name. */
export const ACTIVATION_ALIASES: Readonly<Record<string, string>> = { swish: "silu", gelu_python: "gelu" };
