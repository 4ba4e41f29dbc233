"""Template helpers: GOV.UK Design System markup for Django form fields, money in pounds, permission checks."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from svduty.web.core.money import format_pence

register = template.Library()


@register.filter
def pounds(pence) -> str:
    return format_pence(pence, whole=True)


@register.filter
def pounds_exact(pence) -> str:
    return format_pence(pence)


@register.simple_tag
def allowed(rule, user, *objects) -> bool:
    """``{% allowed can_score user application as ok %}`` — rule is a permissions function put in context."""
    return bool(rule(user, *objects))


def _describedby(field, hint_id, error_id) -> str:
    ids = [i for i in (hint_id if field.help_text else None, error_id if field.errors else None) if i]
    return " ".join(ids)


def _errors(field, error_id):
    if not field.errors:
        return ""
    return format_html(
        '<p id="{}" class="govuk-error-message"><span class="govuk-visually-hidden">{}</span> {}</p>',
        error_id,
        gettext("Error:"),
        " ".join(field.errors),
    )


def _reveals(field) -> dict[str, tuple[str, ...]]:
    """{answer: nested field names} for a controlling field (``ConditionalReveals``)."""
    form = field.form
    options = getattr(form, "conditional_reveals", {}).get(field.name, {})
    return {str(k): tuple(d for d in deps if d in form.fields) for k, deps in options.items()}


def _conditional(field, value: str, item_id: str, kind: str):
    """(data-aria-controls attribute, the nested block) for one radio/checkbox item; empty when nothing is nested."""
    deps = _reveals(field).get(value)
    if not deps:
        return "", ""
    cond_id = f"conditional-{item_id}"
    chosen = field.form.chosen_values(field.name)
    nested = mark_safe("".join(_govuk_field(field.form[d], "s", "") for d in deps))
    block = format_html(
        '<div class="govuk-{}__conditional{}" id="{}">{}</div>',
        kind,
        "" if value in chosen else f" govuk-{kind}__conditional--hidden",
        cond_id,
        nested,
    )
    return format_html(' data-aria-controls="{}"', cond_id), block


def _module(kind: str, reveals: bool):
    """govuk-frontend's module, or, for answers that reveal a question, svduty's ``static/svduty/reveals.js`` (the
    same toggle without aria-expanded on the inputs, which ARIA does not allow on radios and checkboxes)."""
    return mark_safe("data-svduty-reveal" if reveals else f'data-module="govuk-{kind}"')


@register.simple_tag
def govuk_field(field, label_size: str = "s", width: str = ""):
    """Render a bound field as a GOV.UK form group (label, hint, error message, control). A field nested under an
    answer of another field (a conditional reveal) renders there and here renders nothing."""
    revealed = getattr(field.form, "revealed_fields", None)
    if revealed is not None and field.name in revealed():
        return ""
    return _govuk_field(field, label_size, width)


def _govuk_field(field, label_size: str = "s", width: str = ""):
    widget = field.field.widget
    fid = field.id_for_label or f"id_{field.html_name}"
    hint_id, error_id = f"{fid}-hint", f"{fid}-error"
    group_cls = "govuk-form-group" + (" govuk-form-group--error" if field.errors else "")
    hint = format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, field.help_text) if field.help_text else ""
    errors = _errors(field, error_id)
    described = _describedby(field, hint_id, error_id)
    optional = (
        not field.field.required
        and getattr(field.form, "show_optional", True)
        and not getattr(field.field, "conditionally_required", False)
    )
    label_text = gettext("%(label)s (optional)") % {"label": field.label} if optional else field.label

    from svduty.web.core.forms import GovukDateWidget

    if isinstance(widget, GovukDateWidget):
        return _govuk_date(field, fid, group_cls, hint, hint_id, errors, error_id, label_text, label_size)

    if isinstance(widget, forms.CheckboxInput):
        attrs = {"class": "govuk-checkboxes__input", "id": fid}
        if described:
            attrs["aria-describedby"] = described
        controls, block = _conditional(field, "on", fid, "checkboxes")
        if controls:
            attrs["data-aria-controls"] = f"conditional-{fid}"
        control = field.as_widget(attrs=attrs)
        return format_html(
            '<div class="{}">{}{}<div class="govuk-checkboxes govuk-checkboxes--small" {}>'
            '<div class="govuk-checkboxes__item">{}<label class="govuk-label govuk-checkboxes__label" for="{}">{}'
            "</label></div>{}</div></div>",
            group_cls,
            hint,
            errors,
            _module("checkboxes", bool(block)),
            control,
            fid,
            field.label,
            block,
        )
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        multiple = isinstance(widget, forms.CheckboxSelectMultiple)
        kind = "checkboxes" if multiple else "radios"
        current = field.value()
        current = {str(v) for v in current} if multiple and current else {str(current)}
        items = []
        for i, (value, text) in enumerate(field.field.choices):
            if value == "":
                continue
            value = str(getattr(value, "value", value))
            item_id = fid if i == 0 else f"{fid}_{i}"
            checked = mark_safe(" checked") if value in current else ""
            controls, block = _conditional(field, value, item_id, kind)
            items.append(
                format_html(
                    '<div class="govuk-{k}__item"><input class="govuk-{k}__input" id="{}" name="{}" type="{}" '
                    'value="{}"{}{}><label class="govuk-label govuk-{k}__label" for="{}">{}</label></div>{}',
                    item_id,
                    field.html_name,
                    "checkbox" if multiple else "radio",
                    value,
                    checked,
                    controls,
                    item_id,
                    text,
                    block,
                    k=kind,
                )
            )
        return format_html(
            '<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend '
            'govuk-fieldset__legend--{}">{}</legend>{}{}<div class="govuk-{}{}" {}>{}</div>'
            "</fieldset></div>",
            group_cls,
            format_html(' aria-describedby="{}"', described) if described else "",
            label_size,
            label_text,
            hint,
            errors,
            kind,
            (" govuk-radios--small" if not multiple else " govuk-checkboxes--small")
            # The Design System does not put conditional reveals in inline radios.
            + (" govuk-radios--inline" if widget.attrs.get("data-inline") and not _reveals(field) else ""),
            _module(kind, bool(_reveals(field))),
            mark_safe("".join(items)),
        )
    if isinstance(widget, forms.Textarea):
        cls = "govuk-textarea"
    elif isinstance(widget, forms.Select):
        cls = "govuk-select"
    elif isinstance(widget, forms.FileInput):
        cls = "govuk-file-upload"
    else:
        if isinstance(widget, forms.DateInput | forms.NumberInput) and not width:
            width = "10"
        cls = "govuk-input" + (f" govuk-input--width-{width}" if width else "")
    if field.errors:
        cls += f" {cls.split()[0]}--error"
    attrs = {"class": cls, "id": fid}
    if described:
        attrs["aria-describedby"] = described
    if isinstance(widget, forms.Textarea):
        attrs["rows"] = widget.attrs.get("rows", 4)
    maxwords = widget.attrs.get("data-maxwords") if isinstance(widget, forms.Textarea) else None
    if maxwords:
        attrs["class"] += " govuk-js-character-count"
        attrs["aria-describedby"] = " ".join(i for i in (f"{fid}-info", described) if i)
    control = field.as_widget(attrs=attrs)
    if maxwords:
        return format_html(
            '<div class="{} govuk-character-count" data-module="govuk-character-count" data-maxwords="{}">'
            '<label class="govuk-label govuk-label--{}" for="{}">{}</label>{}{}{}'
            '<div id="{}-info" class="govuk-hint govuk-character-count__message">{}</div></div>',
            group_cls,
            maxwords,
            label_size,
            fid,
            label_text,
            hint,
            errors,
            control,
            fid,
            gettext("You can enter up to %(n)s words") % {"n": maxwords},
        )
    return format_html(
        '<div class="{}"><label class="govuk-label govuk-label--{}" for="{}">{}</label>{}{}{}</div>',
        group_cls,
        label_size,
        fid,
        label_text,
        hint,
        errors,
        control,
    )


def _govuk_date(field, fid, group_cls, hint, hint_id, errors, error_id, label_text, label_size):
    """The GOV.UK date input: a fieldset of day, month and year boxes; the error summary links to the day box."""
    fid = field.auto_id or f"id_{field.html_name}"
    hint = format_html('<div id="{}-hint" class="govuk-hint">{}</div>', fid, field.help_text) if field.help_text else ""
    hint_id, error_id = f"{fid}-hint", f"{fid}-error"
    errors = _errors(field, error_id)
    values = field.value()
    if not isinstance(values, list | tuple):
        values = field.field.widget.decompress(values)
    described = _describedby(field, hint_id, error_id)
    items = []
    for i, (part, width) in enumerate(((gettext("Day"), 2), (gettext("Month"), 2), (gettext("Year"), 4))):
        value = values[i] if i < len(values) and values[i] is not None else ""
        error_cls = " govuk-input--error" if field.errors else ""
        items.append(
            format_html(
                '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                '<label class="govuk-label govuk-date-input__label" for="{}_{}">{}</label>'
                '<input class="govuk-input govuk-date-input__input govuk-input--width-{}{}" id="{}_{}" '
                'name="{}_{}" type="text" inputmode="numeric" value="{}"></div></div>',
                fid,
                i,
                part,
                width,
                error_cls,
                fid,
                i,
                field.html_name,
                i,
                value,
            )
        )
    return format_html(
        '<div class="{}"><fieldset class="govuk-fieldset" role="group"{}><legend class="govuk-fieldset__legend '
        'govuk-fieldset__legend--{}">{}</legend>{}{}<div class="govuk-date-input" id="{}">{}</div></fieldset></div>',
        group_cls,
        format_html(' aria-describedby="{}"', described) if described else "",
        label_size,
        label_text,
        hint,
        errors,
        fid,
        mark_safe("".join(items)),
    )


@register.inclusion_tag("core/error_summary.html")
def govuk_error_summary(*forms_):
    items = []
    for form in forms_:
        if form is None:
            continue
        for error in form.non_field_errors():
            items.append(("", error))
        from svduty.web.core.forms import GovukDateWidget

        for field in form:
            target = field.id_for_label or f"id_{field.html_name}"
            if isinstance(field.field.widget, GovukDateWidget):
                target = f"id_{field.html_name}_0"  # the day box, as the Design System asks
            for error in field.errors:
                items.append((f"#{target}", gettext("%(label)s: %(error)s") % {"label": field.label, "error": error}))
    return {"items": items}


@register.simple_tag
def summary_rows(rows):
    """rows: iterable of (key, value) → GOV.UK summary-list rows."""
    return format_html_join(
        "",
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
        '<dd class="govuk-summary-list__value">{}</dd></div>',
        ((k, v) for k, v in rows),
    )
