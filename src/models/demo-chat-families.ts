// The chat families a demo model can be made for (`demo:llama?template=NAME`): each family's special tokens, which of
// them open and close a sequence and a turn, its pre-tokenizer, and its real chat template, as published with the
// family's instruct models. Data only: the vocabulary and the file are built in demo-llama-chat.ts.

export interface ChatFamily {
  /** `tokenizer.ggml.pre`: the pre-tokenizer llama.cpp splits text with before BPE. */
  pre: string;
  /** Control tokens (token type 3), given the first ids in this order. */
  specials: string[];
  bos: string;
  eos: string;
  /** The token that ends an assistant turn: generation stops there (`tokenizer.ggml.eot_token_id`). */
  eot: string;
  /** `tokenizer.ggml.add_bos_token`: whether tokenizing a prompt puts `bos` first. */
  addBos: boolean;
  /** Where the template comes from. */
  origin: string;
  /** `tokenizer.chat_template`, verbatim but for line breaks inside its strings, written as Jinja's `\n` escape. */
  template: string;
}

/**
 * Meta-Llama-3.1-8B-Instruct: a system turn with dates, tools as JSON, `ipython` tool results. Long lines are cut into
 * pieces joined by `+`: the text is unchanged.
 */
const LLAMA3_TEMPLATE =
  String.raw`{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\n\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. ` +
  String.raw`To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ ` +
  String.raw`message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
`;

/** The families by the name `template=` takes. */
export const CHAT_FAMILIES: Readonly<Record<string, ChatFamily>> = {
  llama3: {
    pre: 'llama-bpe',
    specials: [
      '<|begin_of_text|>',
      '<|end_of_text|>',
      '<|start_header_id|>',
      '<|end_header_id|>',
      '<|eom_id|>',
      '<|eot_id|>',
      '<|python_tag|>',
    ],
    bos: '<|begin_of_text|>',
    eos: '<|end_of_text|>',
    eot: '<|eot_id|>',
    addBos: true,
    origin: 'meta-llama/Llama-3.1-8B-Instruct',
    template: LLAMA3_TEMPLATE,
  },
  chatml: {
    pre: 'qwen2',
    specials: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
    bos: '<|endoftext|>',
    eos: '<|im_end|>',
    eot: '<|im_end|>',
    addBos: false,
    origin: 'teknium/OpenHermes-2.5-Mistral-7B (ChatML, as Qwen uses it)',
    template:
      String.raw`{% for message in messages %}` +
      String.raw`{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}` +
      String.raw`{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`,
  },
  gemma: {
    // Gemma's own vocabulary is SentencePiece; with architecture llama a byte-level BPE one carries the same tokens.
    pre: 'default',
    specials: ['<pad>', '<eos>', '<bos>', '<start_of_turn>', '<end_of_turn>'],
    bos: '<bos>',
    eos: '<eos>',
    eot: '<end_of_turn>',
    addBos: true,
    origin: 'google/gemma-2-2b-it',
    template:
      String.raw`{{ bos_token }}{% if messages[0]['role'] == 'system' %}` +
      String.raw`{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}` +
      String.raw`{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}` +
      String.raw`{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}` +
      String.raw`{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}` +
      String.raw`{% set role = message['role'] %}{% endif %}` +
      String.raw`{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}` +
      String.raw`{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}`,
  },
  mistral: {
    // Mistral's BPE vocabulary (Tekken) splits like this; its v0.2 template ends a turn with the end-of-sequence token.
    pre: 'tekken',
    specials: ['<unk>', '<s>', '</s>', '[INST]', '[/INST]'],
    bos: '<s>',
    eos: '</s>',
    eot: '</s>',
    addBos: true,
    origin: 'mistralai/Mistral-7B-Instruct-v0.2',
    template:
      String.raw`{{ bos_token }}{% for message in messages %}` +
      String.raw`{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}` +
      String.raw`{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}` +
      String.raw`{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}` +
      String.raw`{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}` +
      String.raw`{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}`,
  },
  phi3: {
    pre: 'default',
    specials: ['<unk>', '<s>', '</s>', '<|endoftext|>', '<|assistant|>', '<|system|>', '<|end|>', '<|user|>'],
    bos: '<s>',
    eos: '<|endoftext|>',
    eot: '<|end|>',
    addBos: false,
    origin: 'microsoft/Phi-3-mini-4k-instruct',
    template:
      String.raw`{% for message in messages %}{% if message['role'] == 'system' %}` +
      String.raw`{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}` +
      String.raw`{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}` +
      String.raw`{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}` +
      String.raw`{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}`,
  },
};

/** Names `template=` accepts, for messages. */
export const CHAT_FAMILY_NAMES = Object.keys(CHAT_FAMILIES);
