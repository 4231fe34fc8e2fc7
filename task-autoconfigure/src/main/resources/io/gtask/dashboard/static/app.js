/*
 * gtask dashboard: one page, views drawn from the JSON API under ./api, refreshed on a timer.
 * No framework and nothing loaded from outside the application; every text is set with
 * textContent, never parsed as HTML.
 */
(function () {
  'use strict';

  var csrfHeader = meta('gtask-csrf-header');
  var csrfToken = meta('gtask-csrf-token');
  var state = { access: { canAct: false, refreshMillis: 5000 }, range: '1h', timer: null, route: null };

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute('content') : '';
  }

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, attrs) {
    var element = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) {
          return;
        }
        if (key === 'text') {
          element.textContent = String(value);
        } else if (key.indexOf('on') === 0) {
          element.addEventListener(key.substring(2), value);
        } else {
          element.setAttribute(key, value === true ? '' : String(value));
        }
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      append(element, arguments[i]);
    }
    return element;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) {
      return;
    }
    if (Array.isArray(child)) {
      child.forEach(function (c) { append(parent, c); });
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }

  function svg(tag, attrs) {
    var element = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') {
        element.textContent = attrs[key];
      } else {
        element.setAttribute(key, attrs[key]);
      }
    });
    for (var i = 2; i < arguments.length; i++) {
      if (arguments[i]) {
        element.appendChild(arguments[i]);
      }
    }
    return element;
  }

  function number(value) {
    return (value === null || value === undefined) ? '–' : Number(value).toLocaleString('en-US');
  }

  function time(value) {
    if (value === null || value === undefined) {
      return '–';
    }
    var date = new Date(value);
    return date.toLocaleString('en-GB', { hour12: false });
  }

  function relative(value) {
    if (value === null || value === undefined) {
      return '';
    }
    var seconds = Math.round((new Date(value).getTime() - Date.now()) / 1000);
    var future = seconds > 0;
    seconds = Math.abs(seconds);
    var text = seconds < 60 ? seconds + 's' : seconds < 3600 ? Math.round(seconds / 60) + 'm'
      : seconds < 172800 ? Math.round(seconds / 3600) + 'h' : Math.round(seconds / 86400) + 'd';
    return future ? 'in ' + text : text + ' ago';
  }

  // what the API shows in place of arguments, results and messages the user may not read
  var REDACTED = '(redacted)';

  function redacted(testId) {
    return h('span', { 'class': 'muted', 'data-testid': testId || null,
      title: 'Hidden (gtask.dashboard.redact-payloads): only users who may act see it', text: 'redacted' });
  }

  function pretty(json) {
    if (json === null || json === undefined) {
      return null;
    }
    try {
      var value = JSON.parse(json);
      var compactText = JSON.stringify(value);
      return compactText.length <= 72 ? compactText : JSON.stringify(value, null, 2);
    } catch (e) {
      return String(json);
    }
  }

  function badge(text, kind) {
    return h('span', { 'class': 'badge ' + (kind || text), text: text });
  }

  function panel(title, tools) {
    var heading = h('h2', null, h('span', { text: title }), tools || null);
    var body = h('div');
    return { element: h('div', { 'class': 'panel' }, heading, body), body: body };
  }

  function table(columns, rows, emptyText, testId) {
    if (!rows.length) {
      return h('div', { 'class': 'empty', text: emptyText });
    }
    var head = h('tr', null, columns.map(function (c) {
      return h('th', { 'class': c.num ? 'num' : null, text: c.title });
    }));
    var body = rows.map(function (row) {
      return h('tr', { 'data-row': row.key || null }, columns.map(function (c) {
        return h('td', { 'class': c.num ? 'num' : null }, c.cell(row.value));
      }));
    });
    return h('table', { 'data-testid': testId || null }, h('thead', null, head), h('tbody', null, body));
  }

  function rowsOf(items, key) {
    return items.map(function (item) { return { key: key ? key(item) : null, value: item }; });
  }

  function toast(message, error) {
    var element = h('div', { 'class': 'toast' + (error ? ' error' : ''), role: 'status', text: message });
    document.getElementById('toasts').appendChild(element);
    setTimeout(function () { element.remove(); }, error ? 7000 : 3500);
  }

  // ---------------------------------------------------------------- API

  function api(method, path) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      // the server refuses actions without this header: a page of another site cannot send it
      headers['X-GTask-Action'] = 'dashboard';
      if (csrfHeader) {
        headers[csrfHeader] = csrfToken;
      }
    }
    return fetch('api/' + path, { method: method, headers: headers, credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
          if (!response.ok) {
            var message = (body && body.error) ? body.error : 'The server answered ' + response.status;
            var error = new Error(message);
            error.status = response.status;
            throw error;
          }
          return body;
        });
      });
  }

  function get(path) {
    return api('GET', path);
  }

  function enc(value) {
    return encodeURIComponent(value);
  }

  /** A button that calls the API, shows the outcome and refreshes the view. */
  function action(label, method, path, options) {
    options = options || {};
    var button = h('button', {
      'class': options.danger ? 'danger' : (options.primary ? 'primary' : null),
      'data-action': options.testId || label.toLowerCase(),
      disabled: !state.access.canAct,
      title: state.access.canAct ? null : 'Your account may not change queues or tasks'
    }, label);
    var armed = false;
    button.addEventListener('click', function () {
      if (options.confirm && !armed) {
        armed = true;
        button.textContent = options.confirm;
        button.classList.add('confirm');
        setTimeout(function () {
          armed = false;
          button.textContent = label;
          button.classList.remove('confirm');
        }, 4000);
        return;
      }
      button.disabled = true;
      api(method, path).then(function (body) {
        toast(options.done ? options.done(body) : label + ': done');
        refresh();
      }).catch(function (error) {
        toast(error.message, true);
        button.disabled = false;
      });
    });
    return button;
  }

  // ---------------------------------------------------------------- chart

  function chart(history) {
    var buckets = history.buckets;
    var width = 900, height = 220, left = 44, bottom = 22, top = 10;
    var max = 1;
    buckets.forEach(function (b) { max = Math.max(max, b.succeeded + b.failed, b.sent); });
    var scale = niceMax(max);
    var plotWidth = width - left - 6, plotHeight = height - top - bottom;
    var slot = plotWidth / buckets.length;
    var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, preserveAspectRatio: 'none', role: 'img',
      'aria-label': 'Tasks processed and failed over time', 'data-testid': 'throughput-chart' });
    for (var i = 0; i <= 4; i++) {
      var y = top + plotHeight - plotHeight * i / 4;
      root.appendChild(svg('line', { x1: left, x2: width - 6, y1: y, y2: y, 'class': 'axis' }));
      root.appendChild(svg('text', { x: left - 6, y: y + 3, 'text-anchor': 'end', text: compact(scale * i / 4) }));
    }
    var points = [];
    buckets.forEach(function (b, index) {
      var x = left + index * slot;
      var okHeight = plotHeight * b.succeeded / scale;
      var badHeight = plotHeight * b.failed / scale;
      var label = time(b.start) + ': ' + b.succeeded + ' succeeded, ' + b.failed + ' failed, ' + b.sent + ' sent';
      var group = svg('g', null, svg('title', { text: label }));
      group.appendChild(svg('rect', { x: x + 1, width: Math.max(1, slot - 2), y: top + plotHeight - okHeight,
        height: okHeight, 'class': 'bar-ok' }));
      group.appendChild(svg('rect', { x: x + 1, width: Math.max(1, slot - 2), y: top + plotHeight - okHeight - badHeight,
        height: badHeight, 'class': 'bar-bad' }));
      group.appendChild(svg('rect', { x: x, width: slot, y: top, height: plotHeight, fill: 'transparent' }));
      root.appendChild(group);
      points.push((x + slot / 2).toFixed(1) + ',' + (top + plotHeight - plotHeight * b.sent / scale).toFixed(1));
    });
    root.appendChild(svg('polyline', { points: points.join(' '), 'class': 'line-sent' }));
    [0, Math.floor(buckets.length / 2), buckets.length - 1].forEach(function (index) {
      if (buckets[index]) {
        var anchor = index === 0 ? 'start' : index === buckets.length - 1 ? 'end' : 'middle';
        var x = left + index * slot + (index === buckets.length - 1 ? slot : 0);
        root.appendChild(svg('text', { x: x, y: height - 6, 'text-anchor': anchor,
          text: new Date(buckets[index].start).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) }));
      }
    });
    var legend = h('div', { 'class': 'legend' },
      h('span', null, h('i', { 'class': 'swatch-ok' }), 'succeeded'),
      h('span', null, h('i', { 'class': 'swatch-bad' }), 'failed'),
      h('span', null, h('i', { 'class': 'swatch-sent' }), 'sent'),
      h('span', { text: 'per ' + minutes(history.step) }));
    return h('div', { 'class': 'chart' }, root, legend);
  }

  /** The top of the scale: four ticks of a round size, at least as high as the largest value. */
  function niceMax(max) {
    var tick = max / 4;
    if (tick <= 10) {
      return 4 * Math.max(1, Math.ceil(tick));
    }
    var magnitude = Math.pow(10, Math.floor(Math.log10(tick)));
    var steps = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * magnitude >= tick) {
        return Math.max(4, 4 * steps[i] * magnitude);
      }
    }
    return 40 * magnitude;
  }

  function compact(value) {
    return value >= 1000000 ? (value / 1000000) + 'M' : value >= 1000 ? (value / 1000) + 'k' : String(Math.round(value));
  }

  function minutes(duration) {
    var match = /PT(?:(\d+)H)?(?:(\d+)M)?/.exec(duration || '');
    if (!match) {
      return String(duration);
    }
    var total = (parseInt(match[1] || '0', 10) * 60) + parseInt(match[2] || '0', 10);
    return total === 1 ? 'minute' : total + ' minutes';
  }

  // ---------------------------------------------------------------- views

  var views = {};

  views.overview = function () {
    return get('overview?range=' + enc(state.range)).then(function (data) {
      state.access = data.access;
      var c = data.counts;
      var cards = h('div', { 'class': 'cards', 'data-testid': 'counts' },
        card('Pending', c.pending, 'pending'),
        card('Running', c.inFlight, 'running'),
        card('Scheduled', c.delayed, 'scheduled'),
        card('Waiting for limits', c.waiting, 'waiting'),
        card('Dead letters', c.dead, 'dead', c.dead > 0 ? 'bad' : null),
        card('Workers', c.workers, 'workers'),
        card('Worker slots', c.slots, 'slots'),
        card('Paused queues', c.pausedQueues, 'paused', c.pausedQueues > 0 ? 'warn' : null));
      var ranges = h('div', { 'class': 'segmented' }, ['1h', '6h', '24h'].map(function (range) {
        return h('button', { 'class': state.range === range ? 'on' : null, 'data-range': range,
          onclick: function () { state.range = range; refresh(); } }, range);
      }));
      var throughput = panel('Throughput', ranges);
      if (data.history) {
        append(throughput.body, chart(data.history));
      } else {
        append(throughput.body, h('div', { 'class': 'empty', text: 'Task statistics are not kept (gtask.stats)' }));
      }
      var totals = panel('Since statistics began');
      if (data.allTime) {
        var t = data.allTime;
        append(totals.body, h('dl', { 'class': 'facts' },
          h('dt', { text: 'Sent' }), h('dd', { text: number(t.sent) }),
          h('dt', { text: 'Succeeded' }), h('dd', { text: number(t.succeeded) }),
          h('dt', { text: 'Failed attempts' }), h('dd', { text: number(t.failed) }),
          h('dt', { text: 'Dead-lettered' }), h('dd', { text: number(t.dead) }),
          h('dt', { text: 'Failure rate' }),
          h('dd', { text: (t.succeeded + t.failed) ? (100 * t.failed / (t.succeeded + t.failed)).toFixed(2) + ' %' : '–' })));
      }
      var queues = panel('Queues');
      append(queues.body, queueTable(data.queues));
      return [cards, throughput.element, h('div', { 'class': 'row' }, queues.element, totals.element)];
    });
  };

  function card(label, value, testId, kind) {
    return h('div', { 'class': 'card' + (kind ? ' ' + kind : ''), 'data-testid': 'count-' + testId },
      h('div', { 'class': 'label', text: label }), h('div', { 'class': 'value', text: number(value) }));
  }

  function queueTable(queues) {
    return table([
      { title: 'Queue', cell: function (q) { return h('a', { href: '#/queues/' + enc(q.queue), text: q.queue }); } },
      { title: 'State', cell: function (q) { return q.paused ? badge('paused') : badge('running'); } },
      { title: 'Pending', num: true, cell: function (q) { return number(q.pending); } },
      { title: 'Running', num: true, cell: function (q) { return number(q.inFlight); } },
      { title: 'Scheduled', num: true, cell: function (q) {
        return h('a', { href: '#/scheduled/' + enc(q.queue), text: number(q.delayed) }); } },
      { title: 'Waiting', num: true, cell: function (q) { return number(q.waiting); } },
      { title: 'In groups', num: true, cell: function (q) { return number(q.grouped || 0); } },
      { title: 'Dead', num: true, cell: function (q) {
        return h('a', { href: '#/dead/' + enc(q.queue), text: number(q.dead) }); } },
      { title: 'Consumers', num: true, cell: function (q) { return number(q.consumers.length); } },
      { title: '', cell: function (q) {
        return q.paused
          ? action('Resume', 'POST', 'queues/' + enc(q.queue) + '/resume', { testId: 'resume',
            done: function () { return 'Resumed queue ' + q.queue; } })
          : action('Pause', 'POST', 'queues/' + enc(q.queue) + '/pause', { testId: 'pause',
            done: function () { return 'Paused queue ' + q.queue; } });
      } }
    ], rowsOf(queues, function (q) { return q.queue; }), 'No queues known yet', 'queues');
  }

  views.queues = function (name) {
    if (name) {
      return get('queues/' + enc(name)).then(function (detail) {
        var q = detail.info;
        var facts = panel('Queue ' + q.queue, q.paused
          ? action('Resume', 'POST', 'queues/' + enc(q.queue) + '/resume', { testId: 'resume' })
          : action('Pause', 'POST', 'queues/' + enc(q.queue) + '/pause', { testId: 'pause' }));
        append(facts.body, h('dl', { 'class': 'facts' },
          h('dt', { text: 'State' }), h('dd', null, q.paused ? badge('paused') : badge('running')),
          h('dt', { text: 'Pending' }), h('dd', { text: number(q.pending) }),
          h('dt', { text: 'Running' }), h('dd', { text: number(q.inFlight) }),
          h('dt', { text: 'Scheduled' }), h('dd', null, h('a', { href: '#/scheduled/' + enc(q.queue), text: number(q.delayed) })),
          h('dt', { text: 'Waiting for limits' }), h('dd', { text: number(q.waiting) }),
          h('dt', { text: 'Waiting in groups' }), h('dd', { text: number(q.grouped || 0) + ' in '
            + number(q.groups || 0) + ' groups' }),
          h('dt', { text: 'Dead letters' }), h('dd', null, h('a', { href: '#/dead/' + enc(q.queue), text: number(q.dead) }))));
        var next = panel('Next and last pending task');
        append(next.body, table([
          { title: '', cell: function (r) { return r.which; } },
          { title: 'Task', cell: function (r) { return taskLink(r.task.id); } },
          { title: 'Name', cell: function (r) { return r.task.name; } },
          { title: 'Priority', num: true, cell: function (r) { return r.task.priority; } },
          { title: 'Sent', cell: function (r) { return time(r.task.createdAt); } }
        ], rowsOf([detail.next ? { which: 'next', task: detail.next } : null,
          detail.last ? { which: 'last', task: detail.last } : null].filter(Boolean)), 'No task is pending'));
        var consumers = panel('Consumers');
        append(consumers.body, table([
          { title: 'Consumer', cell: function (c) { return c.name; } },
          { title: 'Holding', num: true, cell: function (c) { return number(c.inFlight); } },
          { title: 'Alive until', cell: function (c) { return time(c.aliveUntil); } }
        ], rowsOf(q.consumers), 'No worker consumes this queue'));
        return [facts.element, next.element, consumers.element];
      });
    }
    return get('queues').then(function (queues) {
      var list = panel('Queues');
      append(list.body, queueTable(queues));
      return [list.element];
    });
  };

  function taskLink(id) {
    return id ? h('a', { 'class': 'mono', href: '#/tasks/' + enc(id), text: id }) : '–';
  }

  views.tasks = function (id) {
    var input = h('input', { type: 'text', name: 'id', placeholder: 'Task id', value: id || '',
      'aria-label': 'Task id', 'data-testid': 'task-id' });
    var form = h('form', { 'class': 'search', onsubmit: function (event) {
      event.preventDefault();
      var value = input.value.trim();
      if (value) {
        location.hash = '#/tasks/' + enc(value);
      }
    } }, input, h('button', { 'class': 'primary', type: 'submit' }, 'Find'));
    if (!id) {
      return Promise.resolve([form, h('div', { 'class': 'empty', text: 'Enter a task id to see its state, arguments, result and history' })]);
    }
    return get('tasks/' + enc(id)).then(taskDetail).then(function (parts) {
      return [form].concat(parts);
    }).catch(function (error) {
      if (error.status === 404) {
        return [form, h('div', { 'class': 'empty', 'data-testid': 'task-missing', text: error.message })];
      }
      throw error;
    });
  };

  function taskDetail(task) {
    var tools = task.status === 'SUCCESS' || task.status === 'FAILURE' || task.status === 'REVOKED' || task.status === 'EXPIRED'
      ? null
      : h('div', { 'class': 'actions' },
        action('Revoke', 'POST', 'tasks/' + enc(task.id) + '/revoke', { testId: 'revoke', danger: true,
          done: function (b) { return b.revoked ? 'Revoked' : 'It had started or finished: not revoked'; } }),
        action('Cancel', 'POST', 'tasks/' + enc(task.id) + '/cancel', { testId: 'cancel', danger: true,
          done: function (b) { return b.cancelled ? 'Cancellation requested' : 'Already finished'; } }));
    var facts = panel('Task', tools);
    append(facts.body, h('dl', { 'class': 'facts', 'data-testid': 'task' },
      h('dt', { text: 'Id' }), h('dd', { 'class': 'mono', text: task.id }),
      h('dt', { text: 'Name' }), h('dd', { text: task.name }),
      h('dt', { text: 'Queue' }), h('dd', null, h('a', { href: '#/queues/' + enc(task.queue), text: task.queue })),
      h('dt', { text: 'Status' }), h('dd', null, h('span', { 'data-testid': 'task-status' }, badge(task.status))),
      h('dt', { text: 'Attempts' }), h('dd', { text: String(task.attempts) }),
      task.progress ? h('dt', { text: 'Progress' }) : null,
      task.progress ? h('dd', { 'data-testid': 'task-progress' }, progressBar(task.progress)) : null,
      partOf(task.id) ? h('dt', { text: 'Part of' }) : null,
      partOf(task.id) ? h('dd', null, partOf(task.id)) : null));
    var data = panel('Arguments and outcome');
    append(data.body, h('dl', { 'class': 'facts' },
      h('dt', { text: 'Arguments' }), h('dd', null, task.args === REDACTED ? redacted('task-args')
        : task.args !== null && task.args !== undefined
        ? h('pre', { 'class': 'json', 'data-testid': 'task-args', text: pretty(task.args) })
        : h('span', { 'class': 'muted', text: 'not kept' })),
      h('dt', { text: 'Result' }), h('dd', null, task.result === REDACTED ? redacted('task-result')
        : task.result !== null && task.result !== undefined
        ? h('pre', { 'class': 'json', 'data-testid': 'task-result', text: pretty(task.result) })
        : h('span', { 'class': 'muted', text: '–' })),
      h('dt', { text: 'Error' }), h('dd', null, task.error
        ? h('pre', { 'class': 'json', 'data-testid': 'task-error', text: task.error.type + ': ' + task.error.message })
        : h('span', { 'class': 'muted', text: '–' }))));
    var history = panel('History');
    var events = (task.history && task.history.length) ? task.history.map(function (event, index) {
      return describe(event, task, index);
    }) : derivedHistory(task);
    append(history.body, h('ul', { 'class': 'timeline', 'data-testid': 'task-history' }, events.map(function (e) {
      return h('li', { 'class': e.kind }, h('div', { text: e.text }),
        e.detail ? h('div', { 'class': 'small mono', text: e.detail }) : null,
        h('div', { 'class': 'muted small', text: time(e.at) + ' · ' + relative(e.at) }));
    })));
    var parts = [facts.element, h('div', { 'class': 'row' }, data.element, history.element)];
    if (task.name === 'gtask.batch') {
      return get('batches/' + enc(task.id)).then(function (batch) {
        return memberPage(task.id, null).then(function (page) {
          return parts.concat([batchPanel(batch, page)]);
        }, function () { return parts.concat([batchPanel(batch, null)]); });
      }, function () { return parts; });
    }
    if (/^gtask\.(chain|group|chord|step)$/.test(task.name)) {
      return get('flows/' + enc(task.id)).then(function (flow) {
        var ids = flow.nodes.filter(function (n) { return n.taskId; }).slice(0, STATES_AT_ONCE)
          .map(function (n) { return n.taskId; });
        return taskStates(ids).then(function (states) {
          return parts.concat([flowPanel(flow, states)]);
        }, function () { return parts.concat([flowPanel(flow, {})]); });
      }, function () { return parts; });
    }
    return Promise.resolve(parts);
  }

  /** How far a running task says it got. */
  function progressBar(progress) {
    var percent = Math.round(progress.fraction * 100);
    var done = h('div', { 'class': 'progress-done' });
    // set through the CSS object model: the page's policy refuses inline style attributes
    done.style.width = percent + '%';
    return h('div', null,
      h('div', { 'class': 'progress', title: percent + ' %' }, done),
      h('div', { 'class': 'small', text: percent + ' %' + (progress.message ? ' · ' + progress.message : '')
        + ' · ' + relative(progress.at) }),
      progress.detail ? h('pre', { 'class': 'json small', text: pretty(progress.detail) }) : null);
  }

  /** The flow or batch a step or a callback belongs to, by the id the flow or batch gave it. */
  function partOf(id) {
    var step = /^(.+)\.(\d+)$/.exec(id);
    if (step) {
      return h('a', { 'class': 'mono', href: '#/tasks/' + enc(step[1]), 'data-testid': 'task-flow',
        text: 'flow ' + step[1] + ' (step ' + step[2] + ')' });
    }
    var callback = /^(.+)\.(complete|success)$/.exec(id);
    return callback ? h('a', { 'class': 'mono', href: '#/tasks/' + enc(callback[1]), 'data-testid': 'task-batch',
      text: 'batch ' + callback[1] + ' (on ' + callback[2] + ')' }) : null;
  }

  /** The most task states the API reads at once. */
  var STATES_AT_ONCE = 100;

  /** The states and progress of tasks, by id; those not known are left out. */
  function taskStates(ids) {
    if (!ids.length) {
      return Promise.resolve({});
    }
    return get('task-states?' + ids.map(function (id) { return 'ids=' + enc(id); }).join('&')).then(function (list) {
      var byId = {};
      list.forEach(function (state) { byId[state.id] = state; });
      return byId;
    });
  }

  /** A page of a batch's members with their states. */
  function memberPage(batchId, cursor) {
    return get('batches/' + enc(batchId) + '/members?count=50' + (cursor ? '&cursor=' + enc(cursor) : ''))
      .then(function (page) {
        return taskStates(page.taskIds).then(function (states) {
          return { batchId: batchId, ids: page.taskIds, cursor: page.cursor, states: states };
        });
      });
  }

  /** How far a member of a flow or batch got, in a table cell. */
  function progressCell(state) {
    if (!state || !state.progress) {
      return h('span', { 'class': 'muted', text: '–' });
    }
    var percent = Math.round(state.progress.fraction * 100);
    var done = h('div', { 'class': 'progress-done' });
    done.style.width = percent + '%';
    return h('div', null, h('div', { 'class': 'progress', title: percent + ' %' }, done),
      h('div', { 'class': 'small', text: percent + ' %' + (state.progress.message ? ' · ' + state.progress.message : '') }));
  }

  /**
   * The nodes of a flow, indented by depth, each step with its state, its progress and a link to
   * its task; the states of the first steps come from their tasks, the others from the flow.
   */
  function flowPanel(flow, states) {
    var depth = {};
    var rows = flow.nodes.map(function (node) {
      depth[node.id] = node.parent < 0 ? 0 : depth[node.parent] + 1;
      return node;
    });
    var p = panel('Flow: ' + flow.kind);
    append(p.body, table([
      { title: 'Node', cell: function (n) {
        var label = h('span', { text: n.kind + (n.name ? ' ' + n.name : '') });
        label.style.paddingLeft = (depth[n.id] * 1.2) + 'em';
        return label;
      } },
      { title: 'Task', cell: function (n) { return n.taskId ? taskLink(n.taskId) : '–'; } },
      { title: 'State', cell: function (n) {
        var live = n.taskId ? states[n.taskId] : null;
        return live ? badge(live.status) : n.status ? badge(n.status) : h('span', { 'class': 'muted', text: 'not sent' });
      } },
      { title: 'Progress', cell: function (n) { return n.taskId ? progressCell(states[n.taskId]) : ''; } }
    ], rowsOf(rows, function (n) { return String(n.id); }), 'No nodes', 'flow-nodes'));
    return p.element;
  }

  /** The rows of a page of a batch's members. */
  function memberRows(page) {
    return page.ids.map(function (id) {
      var state = page.states[id];
      return h('tr', { 'data-row': id },
        h('td', null, taskLink(id)),
        h('td', { text: state ? state.name : '–' }),
        h('td', null, state ? badge(state.status) : h('span', { 'class': 'muted', text: 'expired' })),
        h('td', null, progressCell(state)));
    });
  }

  /** The members of a batch, a page at a time. */
  function membersTable(page) {
    if (!page.ids.length && !page.cursor) {
      return h('div', { 'class': 'empty', text: 'No members' });
    }
    var body = h('tbody', null, memberRows(page));
    var tableElement = h('table', { 'data-testid': 'batch-members' },
      h('thead', null, h('tr', null, ['Task', 'Name', 'State', 'Progress'].map(function (title) {
        return h('th', { text: title });
      }))), body);
    var cursor = page.cursor;
    var more = h('button', { type: 'button', 'data-testid': 'batch-more', text: 'More members',
      onclick: function () {
        more.disabled = true;
        memberPage(page.batchId, cursor).then(function (next) {
          append(body, memberRows(next));
          cursor = next.cursor;
          more.disabled = false;
          more.hidden = !cursor;
        }, function (error) {
          more.disabled = false;
          toast(error.message, true);
        });
      } });
    more.hidden = !cursor;
    return h('div', null, tableElement, more);
  }

  /** The counts of a batch, its callbacks and its members. */
  function batchPanel(batch, page) {
    var p = panel('Batch' + (batch.description ? ': ' + batch.description : ''));
    append(p.body, h('dl', { 'class': 'facts', 'data-testid': 'batch' },
      h('dt', { text: 'Members' }), h('dd', { text: String(batch.total) + (batch.sealed ? '' : ' so far (open)') }),
      h('dt', { text: 'Pending' }), h('dd', { text: String(batch.pending) }),
      h('dt', { text: 'Succeeded' }), h('dd', { text: String(batch.succeeded) }),
      h('dt', { text: 'Failed' }), h('dd', { text: String(batch.failed) }),
      h('dt', { text: 'On complete' }), h('dd', null, batch.onCompleteId ? taskLink(batch.onCompleteId) : h('span', { 'class': 'muted', text: '–' })),
      h('dt', { text: 'On success' }), h('dd', null, batch.onSuccessId ? taskLink(batch.onSuccessId) : h('span', { 'class': 'muted', text: '–' }))));
    if (page) {
      append(p.body, h('h3', { text: 'Members' }));
      append(p.body, membersTable(page));
    }
    return p.element;
  }

  /** One recorded state of a task, as a line of its history. */
  function describe(event, task, index) {
    var error = event.error ? event.error.type + ': ' + event.error.message : null;
    var last = index === task.history.length - 1;
    switch (event.status) {
      case 'PENDING':
        return { at: event.at, text: index === 0 ? 'Sent to queue ' + task.queue : 'Queued again as a new first attempt',
          kind: '' };
      case 'STARTED':
        return { at: event.at, text: 'Attempt ' + event.attempt + ' started', kind: '' };
      case 'RETRY':
        return { at: event.at, text: 'Attempt ' + event.attempt + ' failed; retry'
          + (last && task.nextAttemptAt ? ' due ' + relative(task.nextAttemptAt) : ''), detail: error, kind: 'warn' };
      case 'SUCCESS':
        return { at: event.at, text: 'Succeeded', kind: 'ok' };
      case 'FAILURE':
        return { at: event.at, text: 'Failed' + (event.attempt ? ' on attempt ' + event.attempt : ''), detail: error, kind: 'bad' };
      case 'REVOKED':
        return { at: event.at, text: 'Revoked', detail: error, kind: 'warn' };
      case 'EXPIRED':
        return { at: event.at, text: 'Expired before it started', detail: error, kind: 'bad' };
      default:
        return { at: event.at, text: event.status, detail: error, kind: '' };
    }
  }

  /** A history from the times the backend keeps, for tasks recorded without one. */
  function derivedHistory(task) {
    var events = [{ at: task.createdAt, text: 'Sent to queue ' + task.queue, kind: '' }];
    if (task.startedAt) {
      events.push({ at: task.startedAt, text: 'Attempt ' + task.attempts + ' started', kind: '' });
    }
    if (task.nextAttemptAt) {
      events.push({ at: task.nextAttemptAt, text: 'Attempt ' + (task.attempts + 1) + ' due', kind: 'warn',
        detail: task.error ? task.error.type + ': ' + task.error.message : null });
    }
    if (task.finishedAt) {
      events.push({ at: task.finishedAt, text: 'Finished: ' + task.status, kind: task.status === 'SUCCESS' ? 'ok' : 'bad' });
    }
    return events;
  }

  function queuePicker(route, current, counter) {
    return get('queues').then(function (queues) {
      var select = h('select', { 'aria-label': 'Queue', 'data-testid': 'queue-picker',
        onchange: function () { location.hash = '#/' + route + '/' + enc(select.value); } },
      queues.map(function (q) {
        return h('option', { value: q.queue, selected: q.queue === current },
          q.queue + ' (' + number(counter(q)) + ')');
      }));
      var chosen = current || (queues.filter(function (q) { return counter(q) > 0; })[0] || queues[0] || {}).queue;
      if (chosen) {
        select.value = chosen;
      }
      return { select: select, queue: chosen };
    });
  }

  views.dead = function (queue) {
    return queuePicker('dead', queue, function (q) { return q.dead; }).then(function (picked) {
      if (!picked.queue) {
        return [h('div', { 'class': 'empty', text: 'No queues known yet' })];
      }
      var q = picked.queue;
      return get('queues/' + enc(q) + '/dead?limit=100').then(function (page) {
        var tools = h('div', { 'class': 'actions' }, picked.select,
          action('Retry all', 'POST', 'queues/' + enc(q) + '/dead/retry', { testId: 'retry-all',
            done: function (b) { return 'Sent ' + b.requeued + ' tasks again'; } }),
          action('Delete all', 'DELETE', 'queues/' + enc(q) + '/dead', { testId: 'delete-all', danger: true,
            confirm: 'Delete ' + page.total + '?', done: function (b) { return 'Deleted ' + b.deleted; } }));
        var list = panel('Dead letters of ' + q + ' (' + number(page.total) + ')', tools);
        append(list.body, table([
          { title: 'Task', cell: function (d) {
            return h('div', null, taskLink(d.taskId), h('div', { 'class': 'muted small', text: d.name || 'unreadable message' }));
          } },
          { title: 'Reason', cell: function (d) {
            return h('div', null, h('div', { 'class': 'truncate', title: d.reason, text: d.reason }),
              d.payload === REDACTED ? h('div', { 'class': 'small' }, redacted())
                : h('details', null, h('summary', null, 'message'), h('pre', { 'class': 'json', text: pretty(d.payload) })));
          } },
          { title: 'Error', cell: function (d) { return d.errorType ? h('span', { 'class': 'mono', text: shortType(d.errorType) }) : '–'; } },
          { title: 'Attempts', num: true, cell: function (d) { return d.attempts; } },
          { title: 'Dead since', cell: function (d) { return h('span', { title: time(d.deadAt), text: relative(d.deadAt) }); } },
          { title: '', cell: function (d) {
            return h('div', { 'class': 'actions' },
              action('Retry', 'POST', 'queues/' + enc(q) + '/dead/' + enc(d.id) + '/retry', { testId: 'retry',
                done: function (b) { return 'Sent again as task ' + b.taskId; } }),
              action('Delete', 'DELETE', 'queues/' + enc(q) + '/dead/' + enc(d.id), { testId: 'delete', danger: true,
                confirm: 'Delete?', done: function () { return 'Deleted'; } }));
          } }
        ], rowsOf(page.items, function (d) { return d.taskId || d.id; }), 'No dead letters in ' + q, 'dead-letters'));
        return [list.element];
      });
    });
  };

  function shortType(type) {
    var dot = type.lastIndexOf('.');
    return dot >= 0 ? type.substring(dot + 1) : type;
  }

  views.scheduled = function (queue) {
    return queuePicker('scheduled', queue, function (q) { return q.delayed; }).then(function (picked) {
      if (!picked.queue) {
        return [h('div', { 'class': 'empty', text: 'No queues known yet' })];
      }
      var q = picked.queue;
      return get('queues/' + enc(q) + '/scheduled?limit=100').then(function (page) {
        var list = panel('Scheduled in ' + q + ' (' + number(page.total) + ')', picked.select);
        append(list.body, table([
          { title: 'Task', cell: function (t) { return taskLink(t.id); } },
          { title: 'Name', cell: function (t) { return t.name; } },
          { title: 'Due', cell: function (t) { return h('span', { title: time(t.dueAt), text: relative(t.dueAt) }); } },
          { title: 'Kind', cell: function (t) { return t.attempt > 1 ? badge('retry ' + (t.attempt - 1), 'retry') : badge('delayed', 'PENDING'); } },
          { title: 'Priority', num: true, cell: function (t) { return t.priority; } },
          { title: 'Arguments', cell: function (t) {
            return t.args === REDACTED ? redacted() : h('div', { 'class': 'mono truncate', title: t.args, text: t.args });
          } }
        ], rowsOf(page.items, function (t) { return t.id; }), 'No task waits for a due time in ' + q, 'scheduled'));
        return [list.element];
      });
    });
  };

  // ---------------------------------------------------------------- browse

  /** What the browse view shows, kept across the refreshes of the page. */
  var browsing = { tab: 'running', queue: null, name: '', id: '', arg: '', cursors: [null] };

  var BROWSE_TABS = [['running', 'Running'], ['retrying', 'Retrying'], ['scheduled', 'Scheduled'],
    ['succeeded', 'Succeeded'], ['failed', 'Failed']];

  function browseQuery() {
    var query = [];
    ['name', 'id', 'arg'].forEach(function (key) {
      if (browsing[key]) {
        query.push(key + '=' + enc(browsing[key]));
      }
    });
    return query.join('&');
  }

  function browseFilters(queues) {
    var select = h('select', { 'aria-label': 'Queue', 'data-testid': 'browse-queue' }, queues.map(function (q) {
      return h('option', { value: q.queue, selected: q.queue === browsing.queue, text: q.queue });
    }));
    function field(key, label) {
      return h('input', { type: 'text', name: key, placeholder: label, value: browsing[key], 'aria-label': label,
        'data-testid': 'browse-' + key });
    }
    var name = field('name', 'Task name');
    var id = field('id', 'Id starts with');
    var arg = field('arg', 'Argument contains');
    return h('form', { 'class': 'search', onsubmit: function (event) {
      event.preventDefault();
      browsing.queue = select.value;
      browsing.name = name.value.trim();
      browsing.id = id.value.trim();
      browsing.arg = arg.value.trim();
      browsing.cursors = [null];
      if (document.activeElement) {
        document.activeElement.blur();
      }
      render(true);
    } }, select, name, id, arg, h('button', { type: 'submit', 'class': 'primary', text: 'Search',
      'data-testid': 'browse-search' }));
  }

  function browseTabs() {
    return h('div', { 'class': 'actions', 'data-testid': 'browse-tabs' }, BROWSE_TABS.map(function (tab) {
      return h('a', { href: '#/browse/' + tab[0], 'class': 'tab' + (tab[0] === browsing.tab ? ' active' : ''),
        text: tab[1] });
    }));
  }

  function errorCell(t) {
    if (!t.error) {
      return '–';
    }
    return h('div', null, h('div', { 'class': 'mono', text: shortType(t.error.type) + ': ' + t.error.message }),
      t.trace ? h('details', null, h('summary', null, 'stack trace'),
        h('pre', { 'class': 'json small', 'data-testid': 'browse-trace', text: t.trace })) : null);
  }

  function argsCell(args) {
    if (args === REDACTED) {
      return redacted();
    }
    return args ? h('div', { 'class': 'mono truncate', title: args, text: args }) : '–';
  }

  function browseRecent(q, succeeded) {
    var cursor = browsing.cursors[browsing.cursors.length - 1];
    var query = browseQuery();
    return get('browse/recent?outcome=' + (succeeded ? 'succeeded' : 'failed') + '&queue=' + enc(q) + '&limit=50'
        + (query ? '&' + query : '') + (cursor ? '&cursor=' + enc(cursor) : '')).then(function (page) {
      var columns = [
        { title: 'Task', cell: function (t) { return h('div', null, taskLink(t.id), h('div', { 'class': 'muted small', text: t.name })); } },
        { title: 'State', cell: function (t) { return badge(t.status); } },
        { title: 'Ended', cell: function (t) { return h('span', { title: time(t.finishedAt), text: relative(t.finishedAt) }); } },
        { title: 'Took', cell: function (t) {
          return t.startedAt ? duration(new Date(t.finishedAt) - new Date(t.startedAt)) : '–';
        } },
        { title: 'Attempts', num: true, cell: function (t) { return t.attempts; } },
        { title: 'Arguments', cell: function (t) { return argsCell(t.args); } }
      ];
      if (!succeeded) {
        columns.splice(5, 0, { title: 'Error', cell: errorCell });
      }
      var pager = h('div', { 'class': 'pager' },
        browsing.cursors.length > 1 ? h('button', { type: 'button', text: 'Newer', 'data-testid': 'browse-newer',
          onclick: function () { browsing.cursors.pop(); render(true); } }) : null,
        page.cursor ? h('button', { type: 'button', text: 'Older', 'data-testid': 'browse-older',
          onclick: function () { browsing.cursors.push(page.cursor); render(true); } }) : null);
      return [table(columns, rowsOf(page.tasks, function (t) { return t.id; }),
        'No task ' + (succeeded ? 'succeeded' : 'failed') + ' recently in ' + q, 'browse-results'), pager];
    });
  }

  function duration(millis) {
    if (millis < 1000) {
      return millis + ' ms';
    }
    return (millis / 1000).toFixed(millis < 10000 ? 1 : 0) + ' s';
  }

  function browseRunning(q) {
    var query = browseQuery();
    return get('browse/running?queue=' + enc(q) + (query ? '&' + query : '')).then(function (tasks) {
      var now = Date.now();
      return [table([
        { title: 'Task', cell: function (t) {
          return t.id ? h('div', null, taskLink(t.id), h('div', { 'class': 'muted small', text: t.name }))
            : h('span', { 'class': 'muted', text: 'unreadable message' });
        } },
        { title: 'Worker', cell: function (t) { return h('span', { 'class': 'mono', text: t.worker }); } },
        { title: 'Running for', cell: function (t) { return t.startedAt ? duration(now - new Date(t.startedAt)) : '–'; } },
        { title: 'Attempt', num: true, cell: function (t) { return t.attempt; } },
        { title: 'Deliveries', num: true, cell: function (t) { return t.deliveries; } }
      ], rowsOf(tasks, function (t) { return t.id || ''; }), 'No task of ' + q + ' runs now', 'browse-results')];
    });
  }

  function browseScheduled(q, retrying) {
    var query = browseQuery();
    var path = retrying ? 'browse/retrying?queue=' + enc(q) + (query ? '&' + query : '')
      : 'queues/' + enc(q) + '/scheduled?limit=100';
    return get(path).then(function (result) {
      var tasks = retrying ? result : result.items;
      return [table([
        { title: 'Task', cell: function (t) { return h('div', null, taskLink(t.id), h('div', { 'class': 'muted small', text: t.name })); } },
        { title: 'Due', cell: function (t) { return h('span', { title: time(t.dueAt), text: relative(t.dueAt) }); } },
        { title: 'Attempt', num: true, cell: function (t) { return t.attempt; } },
        { title: 'Arguments', cell: function (t) { return argsCell(t.args); } }
      ], rowsOf(tasks, function (t) { return t.id; }), retrying ? 'No task of ' + q + ' waits for a retry'
        : 'No task of ' + q + ' waits for a due time', 'browse-results')];
    });
  }

  views.browse = function (tab) {
    tab = tab || 'running';
    if (browsing.tab !== tab) {
      browsing.tab = tab;
      browsing.cursors = [null];
    }
    return get('queues').then(function (queues) {
      if (!queues.length) {
        return [h('div', { 'class': 'empty', text: 'No queues known yet' })];
      }
      if (!browsing.queue || !queues.some(function (q) { return q.queue === browsing.queue; })) {
        browsing.queue = (queues.filter(function (q) { return q.queue === 'default'; })[0] || queues[0]).queue;
      }
      var q = browsing.queue;
      var list = panel('Tasks of ' + q, browseTabs());
      append(list.body, browseFilters(queues));
      var rows = tab === 'running' ? browseRunning(q)
        : tab === 'retrying' ? browseScheduled(q, true)
        : tab === 'scheduled' ? browseScheduled(q, false)
        : browseRecent(q, tab === 'succeeded');
      return rows.then(function (content) {
        append(list.body, content);
        return [list.element];
      });
    });
  };

  views.periodic = function () {
    return get('periodic').then(function (schedules) {
      var list = panel('Periodic schedules');
      append(list.body, table([
        { title: 'Schedule', cell: function (s) { return h('span', { 'class': 'mono', text: s.id }); } },
        { title: 'Task', cell: function (s) { return s.task; } },
        { title: 'Cron', cell: function (s) { return h('span', { 'class': 'mono', text: s.cron + ' ' + s.zone }); } },
        { title: 'Queue', cell: function (s) { return s.queue; } },
        { title: 'Last tick', cell: function (s) { return s.lastTick ? h('span', { title: time(s.lastTick), text: relative(s.lastTick) }) : '–'; } },
        { title: 'Next tick', cell: function (s) { return s.nextTick ? h('span', { title: time(s.nextTick), text: relative(s.nextTick) }) : '–'; } },
        { title: 'Missed ticks', cell: function (s) { return s.missedTicks.toLowerCase().replace('_', '-'); } },
        { title: 'Arguments', cell: function (s) { return h('div', { 'class': 'mono truncate', text: s.args }); } }
      ], rowsOf(schedules, function (s) { return s.id; }), 'This instance declares no periodic schedule', 'periodic'));
      return [list.element];
    });
  };

  views.workers = function () {
    return get('workers').then(function (workers) {
      var list = panel('Workers (' + workers.length + ')');
      append(list.body, table([
        { title: 'Worker', cell: function (w) { return h('span', { 'class': 'mono', text: w.name }); } },
        { title: 'Host', cell: function (w) { return w.host; } },
        { title: 'PID', num: true, cell: function (w) { return w.pid; } },
        { title: 'Concurrency', num: true, cell: function (w) { return w.concurrency; } },
        { title: 'Queues', cell: function (w) { return w.queues.join(', '); } },
        { title: 'Started', cell: function (w) { return h('span', { title: time(w.startedAt), text: relative(w.startedAt) }); } },
        { title: 'Heartbeat', cell: function (w) { return h('span', { title: time(w.lastHeartbeat), text: relative(w.lastHeartbeat) }); } }
      ], rowsOf(workers, function (w) { return w.name; }), 'No worker is alive', 'workers'));
      return [list.element];
    });
  };

  // ---------------------------------------------------------------- routing

  var titles = { overview: 'Overview', queues: 'Queues', tasks: 'Tasks', browse: 'Browse tasks', dead: 'Dead letters',
    scheduled: 'Scheduled', periodic: 'Periodic tasks', workers: 'Workers' };

  function parse() {
    var parts = location.hash.replace(/^#\/?/, '').split('/');
    var view = parts[0] || 'overview';
    if (!views[view]) {
      view = 'overview';
    }
    var argument = parts.length > 1 && parts[1] ? decodeURIComponent(parts.slice(1).join('/')) : null;
    return { view: view, argument: argument };
  }

  function render(initial) {
    var route = parse();
    var changed = !state.route || state.route.view !== route.view || state.route.argument !== route.argument;
    state.route = route;
    document.getElementById('title').textContent = titles[route.view];
    document.title = titles[route.view] + ' · gtask';
    document.querySelectorAll('.nav').forEach(function (link) {
      link.classList.toggle('active', link.getAttribute('data-view') === route.view);
    });
    var target = document.getElementById('view');
    if (!initial && !changed && document.activeElement && document.activeElement.tagName === 'INPUT') {
      return Promise.resolve();
    }
    return views[route.view](route.argument).then(function (content) {
      if (state.route !== route) {
        return;
      }
      target.replaceChildren();
      append(target, content);
      target.setAttribute('data-loaded', route.view);
      setConnected(true);
    }).catch(function (error) {
      setConnected(false, error.message);
    });
  }

  function setConnected(ok, message) {
    var banner = document.getElementById('banner');
    document.getElementById('live').classList.toggle('off', !ok);
    if (ok) {
      banner.classList.add('hidden');
      document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB');
    } else {
      banner.textContent = message;
      banner.classList.remove('hidden');
    }
    var who = document.getElementById('who');
    who.replaceChildren();
    append(who, [state.access.user ? h('div', { text: 'Signed in as ' + state.access.user }) : null,
      h('div', { text: state.access.canAct ? 'May act' : 'Read-only' })]);
  }

  function refresh() {
    return render(false);
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      refresh().then(schedule, schedule);
    }, Math.max(1000, state.access.refreshMillis || 5000));
  }

  window.addEventListener('hashchange', function () { render(true); });
  get('overview').then(function (data) {
    state.access = data.access;
  }).catch(function () {
    return null;
  }).then(function () {
    return render(true);
  }).then(schedule);
}());
