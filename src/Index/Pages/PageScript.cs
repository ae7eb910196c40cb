namespace Pipeline.Index.Pages;

/// <summary>
/// The script inlined at the end of every page. After the load event it marks each <c>img</c> that displayed
/// (<c>complete</c> and a natural width) with <c>data-shown="1"</c> and puts <c>data-images-total</c> and
/// <c>data-images-shown</c> on <c>body</c>; if any failed it shows a note. Users see the note, tests read the counts.
/// </summary>
internal static class PageScript
{
    /// <summary>ES5, no modules, so it also runs in old or locked-down browsers.</summary>
    public const string Js = """
        (function () {
          'use strict';
          function count() {
            var images = document.getElementsByTagName('img');
            var shown = 0;
            for (var i = 0; i < images.length; i++) {
              var img = images[i];
              if (img.complete && img.naturalWidth > 0) {
                img.setAttribute('data-shown', '1');
                shown++;
              }
            }
            document.body.setAttribute('data-images-total', String(images.length));
            document.body.setAttribute('data-images-shown', String(shown));
            if (shown < images.length) {
              var note = document.getElementById('image-note');
              note.textContent = (images.length - shown) + ' of ' + images.length + ' thumbnails did not display in this browser.';
              note.hidden = false;
            }
          }
          if (document.readyState === 'complete') { count(); } else { window.addEventListener('load', count); }
        })();
        """;
}
